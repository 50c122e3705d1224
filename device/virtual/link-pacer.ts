/**
 * A serial line of a given baud rate, for the virtual board: bytes cross it no faster than a UART
 * behind a USB-serial bridge (CP2102, CH340) would carry them, 8N1, so 10 bits per byte.
 *
 * `LinkPacer` is the pure arithmetic (no clock, no timers, tested in test/unit/link-pacer.test.ts);
 * `PacedPipe` applies it with a timer that wakes every 16 ms and hands on, in one piece,
 * every byte the elapsed time allows, so pacing costs about 60 wake-ups a second and never one
 * per byte. Neither changes, drops or reorders a byte.
 */

/** 8 data bits, no parity, 1 stop bit, plus the start bit. */
export const BITS_PER_BYTE = 10;

/**
 * When offered bytes have crossed the line. The line carries bytes one after the other, each taking
 * 10 / baud seconds: a byte offered while the line is busy starts when the byte before it has
 * crossed, a byte offered to an idle line starts at once. Idle time is never saved up.
 */
export class LinkPacer {
  readonly baud: number;
  private readonly msPerByte: number;
  /**
   * Busy stretches of the line, oldest first: `count` bytes crossing one after the other from
   * `start` (ms), `taken` of them already handed on. A stretch ends when its bytes have crossed and
   * nothing more was offered by then; a later offer starts a new one.
   */
  private readonly stretches: Array<{ start: number; count: number; taken: number }> = [];
  private offered = 0;

  constructor(baud: number) {
    if (!Number.isFinite(baud) || baud <= 0) throw new RangeError(`a line's baud rate must be a positive number, not ${baud}`);
    this.baud = baud;
    this.msPerByte = (1000 * BITS_PER_BYTE) / baud;
  }

  /** Bytes per second the line carries: baud / 10. */
  get bytesPerSecond(): number {
    return this.baud / BITS_PER_BYTE;
  }

  /** Bytes offered and not yet taken. */
  get waiting(): number {
    return this.offered;
  }

  /** `count` bytes are handed to the line at `nowMs` (any monotonic clock in ms, never going back). */
  offer(nowMs: number, count: number): void {
    if (count <= 0) return;
    this.offered += count;
    const last = this.stretches[this.stretches.length - 1];
    if (last && last.start + last.count * this.msPerByte > nowMs) last.count += count;
    else this.stretches.push({ start: nowMs, count, taken: 0 });
  }

  /** How many offered bytes have crossed by `nowMs` and were not taken before; the caller hands on exactly that many. */
  take(nowMs: number): number {
    let total = 0;
    while (this.stretches.length > 0) {
      const stretch = this.stretches[0]!;
      const crossed = Math.min(stretch.count, Math.floor(((nowMs - stretch.start) * this.baud) / (1000 * BITS_PER_BYTE)));
      total += Math.max(0, crossed - stretch.taken);
      stretch.taken = Math.max(stretch.taken, crossed);
      if (stretch.taken < stretch.count) break;
      this.stretches.shift();
    }
    this.offered -= total;
    return total;
  }

  /** Milliseconds from `nowMs` until every offered byte will have crossed (0 if they have). */
  msUntilAllCrossed(nowMs: number): number {
    const last = this.stretches[this.stretches.length - 1];
    return last ? Math.max(0, last.start + last.count * this.msPerByte - nowMs) : 0;
  }
}

/**
 * How often a busy pipe wakes to hand on what the elapsed time allows: as often as an FTDI bridge's
 * default latency timer flushes. 4 ms cost 30 boards at 115200 baud 12.4 s of CPU against 10.0 s
 * (docs/benchmark.md): on a VM each wake-up costs about 175 µs.
 */
export const PACE_SLICE_MS = 16;

export interface PacedPipeOptions {
  /** Milliseconds from a monotonic clock; default performance.now. */
  now?: () => number;
}

/**
 * One direction of a paced line: `write` queues bytes, `deliver` receives them, in order and
 * unchanged, no faster than the baud rate allows. Nothing is ever dropped: a writer that must not
 * get ahead watches `queued` and `onDelivered`.
 */
export class PacedPipe {
  private readonly pacer: LinkPacer;
  private readonly now: () => number;
  private readonly chunks: Uint8Array[] = [];
  private headOffset = 0;
  private total = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private deliveredListener: () => void = () => {};
  private closed = false;

  constructor(
    baud: number,
    private readonly deliver: (bytes: Uint8Array) => void,
    options: PacedPipeOptions = {},
  ) {
    this.pacer = new LinkPacer(baud);
    this.now = options.now ?? (() => performance.now());
  }

  /** Bytes written and not yet delivered. */
  get queued(): number {
    return this.total;
  }

  /** Called after each delivery (read `queued` for what is left). */
  onDelivered(listener: () => void): void {
    this.deliveredListener = listener;
  }

  write(bytes: Uint8Array): void {
    if (this.closed || bytes.length === 0) return;
    this.chunks.push(bytes.slice());
    this.total += bytes.length;
    this.pacer.offer(this.now(), bytes.length);
    if (this.timer === undefined) this.pump();
  }

  /** Stops delivering; what is queued is forgotten (the line is gone). */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.chunks.length = 0;
    this.total = 0;
  }

  private pump(): void {
    this.timer = undefined;
    if (this.closed) return;
    const now = this.now();
    const count = this.pacer.take(now);
    if (count > 0) {
      this.deliver(this.shift(count));
      this.deliveredListener();
    }
    if (this.closed || this.total === 0) return;
    // Wake when the rest will have crossed if that is soon, else after one slice; at least 1 ms.
    const wait = Math.min(PACE_SLICE_MS, Math.max(1, Math.ceil(this.pacer.msUntilAllCrossed(now))));
    this.timer = setTimeout(() => this.pump(), wait);
  }

  /** The first `count` queued bytes, removed from the queue, as one array. */
  private shift(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const head = this.chunks[0]!;
      const piece = Math.min(count - filled, head.length - this.headOffset);
      out.set(head.subarray(this.headOffset, this.headOffset + piece), filled);
      filled += piece;
      this.headOffset += piece;
      if (this.headOffset === head.length) {
        this.chunks.shift();
        this.headOffset = 0;
      }
    }
    this.total -= count;
    return out;
  }
}
