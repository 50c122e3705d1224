/**
 * Incoming bytes from the board, buffered, with "wait until" reads that end at a deadline.
 *
 * The queue does not care how the bytes were split into chunks: every read looks at the buffered
 * bytes as one stream, so a pattern split across chunks is found just the same.
 * One read may be pending at a time (the engine is sequential).
 */

/** When to give up waiting. Both may be given; the first one reached wins. */
export interface WaitLimit {
  /** Give up when no byte at all has arrived for this long. */
  idleMs?: number;
  /** Give up at this absolute time (`Date.now()` clock). */
  deadline?: number;
}

/** A read ran out of time. Internal: the engine turns it into a user-facing error. */
export class WaitTimeout extends Error {
  override name = 'WaitTimeout';
  constructor(
    readonly reason: 'idle' | 'deadline',
    readonly waitedMs: number,
  ) {
    super(`gave up waiting (${reason}) after ${waitedMs} ms`);
  }
}

const RECENT_MAX = 256;

interface Waiter {
  /** Try to complete from the buffer; true when done (resolved). */
  attempt(): boolean;
  reject(error: Error): void;
  onActivity(): void;
}

export class ByteQueue {
  private buffer = new Uint8Array(1024);
  private start = 0;
  private end = 0;
  private waiter: Waiter | undefined;
  private failure: Error | undefined;
  private recentBytes = new Uint8Array(0);
  /** Every byte ever pushed, consumed or not. */
  totalReceived = 0;

  get size(): number {
    return this.end - this.start;
  }

  /** The last bytes received (up to 256), consumed or not: for error messages. */
  recent(): Uint8Array {
    return this.recentBytes;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.totalReceived += bytes.length;
    this.remember(bytes);
    this.append(bytes);
    const waiter = this.waiter;
    if (waiter) {
      waiter.onActivity();
      waiter.attempt();
    }
  }

  /** From now on every pending and future read rejects with `error` (the link is gone). */
  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.waiter?.reject(error);
  }

  /** Put bytes back at the front (a read took one byte too many). */
  unshift(bytes: Uint8Array): void {
    if (this.start >= bytes.length) {
      this.start -= bytes.length;
      this.buffer.set(bytes, this.start);
      return;
    }
    const rest = this.buffer.slice(this.start, this.end);
    this.start = this.end = 0;
    this.append(bytes);
    this.append(rest);
  }

  /** Remove and return everything buffered, without waiting. */
  takeAll(): Uint8Array {
    const out = this.buffer.slice(this.start, this.end);
    this.start = this.end = 0;
    return out;
  }

  /** Remove and return up to `n` buffered bytes without waiting. */
  takeAvailable(n: number): Uint8Array {
    const count = Math.min(n, this.size);
    const out = this.buffer.slice(this.start, this.start + count);
    this.start += count;
    return out;
  }

  /** Wait until `n` bytes are buffered, then remove and return them. */
  take(n: number, limit: WaitLimit): Promise<Uint8Array> {
    return this.wait(limit, () => (this.size >= n ? this.takeAvailable(n) : undefined));
  }

  /**
   * Wait until `pattern` appears; remove everything up to and including it and return the bytes
   * BEFORE it. With `onBytes`, bytes that can no longer be part of the pattern are handed out (and
   * removed) as they arrive; the returned array then still holds all of them.
   */
  takeUntil(pattern: Uint8Array, limit: WaitLimit, onBytes?: (bytes: Uint8Array) => void): Promise<Uint8Array> {
    const streamed: Uint8Array[] = [];
    let searchFrom = 0; // offset from `start` already known not to begin a match
    return this.wait(limit, () => {
      const found = this.indexOf(pattern, searchFrom);
      if (found >= 0) {
        const before = this.buffer.slice(this.start, this.start + found);
        this.start += found + pattern.length;
        if (onBytes && before.length > 0) onBytes(before);
        streamed.push(before);
        return concat(streamed);
      }
      searchFrom = Math.max(0, this.size - pattern.length + 1);
      if (onBytes && searchFrom > 0) {
        const safe = this.takeAvailable(searchFrom);
        searchFrom = 0;
        streamed.push(safe);
        onBytes(safe);
      }
      return undefined;
    });
  }

  /**
   * Wait until any of `patterns` appears; remove everything up to and including the earliest match
   * and return the bytes before it, with the index of the pattern that matched.
   */
  async takeUntilAny(patterns: readonly Uint8Array[], limit: WaitLimit): Promise<{ before: Uint8Array; matched: number }> {
    const longest = Math.max(...patterns.map((pattern) => pattern.length));
    let searchFrom = 0;
    let matched = -1;
    const before = await this.wait(limit, () => {
      let best = -1;
      patterns.forEach((pattern, index) => {
        const found = this.indexOf(pattern, searchFrom);
        if (found >= 0 && (best < 0 || found < best)) {
          best = found;
          matched = index;
        }
      });
      if (best < 0) {
        searchFrom = Math.max(0, this.size - longest + 1);
        return undefined;
      }
      const out = this.buffer.slice(this.start, this.start + best);
      this.start += best + patterns[matched]!.length;
      return out;
    });
    return { before, matched };
  }

  private wait(limit: WaitLimit, complete: () => Uint8Array | undefined): Promise<Uint8Array> {
    if (this.waiter) return Promise.reject(new Error('ByteQueue: a read is already pending'));
    if (this.failure) return Promise.reject(this.failure);
    let immediate: Uint8Array | undefined;
    try {
      immediate = complete();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (immediate) return Promise.resolve(immediate);

    return new Promise<Uint8Array>((resolve, reject) => {
      const startedAt = Date.now();
      let idleTimer: ReturnType<typeof setTimeout> | undefined;
      let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        clearTimeout(idleTimer);
        clearTimeout(deadlineTimer);
        this.waiter = undefined;
      };
      const timeOut = (reason: 'idle' | 'deadline') => {
        finish();
        reject(new WaitTimeout(reason, Date.now() - startedAt));
      };
      const armIdle = () => {
        if (limit.idleMs === undefined) return;
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => timeOut('idle'), limit.idleMs);
      };
      if (limit.deadline !== undefined) {
        deadlineTimer = setTimeout(() => timeOut('deadline'), Math.max(0, limit.deadline - startedAt));
      }
      armIdle();
      this.waiter = {
        attempt: () => {
          // A reader's onBytes may throw to end the wait (it saw something that ends the reply).
          let result: Uint8Array | undefined;
          try {
            result = complete();
          } catch (error) {
            finish();
            reject(error as Error);
            return true;
          }
          if (!result) return false;
          finish();
          resolve(result);
          return true;
        },
        reject: (error) => {
          finish();
          reject(error);
        },
        onActivity: armIdle,
      };
    });
  }

  private indexOf(pattern: Uint8Array, from: number): number {
    const last = this.size - pattern.length;
    outer: for (let i = from; i <= last; i++) {
      for (let j = 0; j < pattern.length; j++) {
        if (this.buffer[this.start + i + j] !== pattern[j]) continue outer;
      }
      return i;
    }
    return -1;
  }

  private append(bytes: Uint8Array): void {
    if (this.end + bytes.length > this.buffer.length) {
      const needed = this.size + bytes.length;
      const target = needed * 2 > this.buffer.length ? new Uint8Array(needed * 2) : this.buffer;
      target.set(this.buffer.subarray(this.start, this.end), 0);
      this.end -= this.start;
      this.start = 0;
      this.buffer = target;
    }
    this.buffer.set(bytes, this.end);
    this.end += bytes.length;
  }

  private remember(bytes: Uint8Array): void {
    const keep = Math.min(RECENT_MAX, this.recentBytes.length + bytes.length);
    const merged = new Uint8Array(keep);
    const fromNew = Math.min(bytes.length, keep);
    const fromOld = keep - fromNew;
    merged.set(this.recentBytes.subarray(this.recentBytes.length - fromOld), 0);
    merged.set(bytes.subarray(bytes.length - fromNew), fromOld);
    this.recentBytes = merged;
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
