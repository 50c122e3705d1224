import type { Transport } from '../transport.ts';
import { ByteQueue, WaitTimeout, type WaitLimit } from './byte-queue.ts';
import { RawReplTimeoutError, TransportClosedError } from './errors.ts';

export interface ReplStats {
  /** Times the host had to wait for the board's reply before it could go on. */
  roundTrips: number;
  /** Raw-paste windows sent on a credit from the board (flow control within one command). */
  creditWaits: number;
  bytesWritten: number;
  bytesReceived: number;
}

/**
 * The engine's side of a transport: incoming bytes in a ByteQueue, writes and reads that end at a
 * deadline or as soon as the transport closes, and the counters behind `RawRepl.stats`.
 */
export class ReplLink {
  readonly queue = new ByteQueue();
  /** While a terminal has the board (RawRepl.attachTerminal): every byte goes to it, none to the queue. */
  tap: ((bytes: Uint8Array) => void) | null = null;
  roundTrips = 0;
  creditWaits = 0;
  bytesWritten = 0;
  private closedError: TransportClosedError | undefined;
  private readonly closedSignal: Promise<never>;

  constructor(
    readonly transport: Transport,
    readonly log: (message: string) => void,
  ) {
    transport.setReceiver((bytes) => (this.tap ? this.tap(bytes) : this.queue.push(bytes)));
    this.closedSignal = transport.closed.then((cause) => {
      // A transport that already explains its end is not wrapped again ("closed: … closed: …").
      this.closedError = cause instanceof TransportClosedError ? cause : new TransportClosedError(transport.label, cause?.message, { cause });
      this.queue.fail(this.closedError);
      throw this.closedError;
    });
    this.closedSignal.catch(() => {}); // observed through the races below
  }

  get label(): string {
    return this.transport.label;
  }

  get stats(): ReplStats {
    return { roundTrips: this.roundTrips, creditWaits: this.creditWaits, bytesWritten: this.bytesWritten, bytesReceived: this.queue.totalReceived };
  }

  /** The host is about to wait for the board's answer before it can continue. */
  countRoundTrip(): void {
    this.roundTrips++;
  }

  countCreditWait(): void {
    this.creditWaits++;
  }

  async write(bytes: Uint8Array, timeoutMs: number): Promise<void> {
    if (this.closedError) throw this.closedError;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RawReplTimeoutError(this.label, 'the port to accept written bytes', timeoutMs, this.queue.recent())), timeoutMs);
    });
    try {
      await Promise.race([this.transport.write(bytes), this.closedSignal, timeout]);
      this.bytesWritten += bytes.length;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A pause that ends early (rejecting) when the transport closes. */
  async sleep(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pause = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    try {
      await Promise.race([pause, this.closedSignal]);
    } finally {
      clearTimeout(timer);
    }
  }

  take(n: number, limit: WaitLimit, waitingFor: string): Promise<Uint8Array> {
    return this.explainTimeout(this.queue.take(n, limit), limit, waitingFor);
  }

  until(pattern: Uint8Array, limit: WaitLimit, waitingFor: string, onBytes?: (bytes: Uint8Array) => void): Promise<Uint8Array> {
    return this.explainTimeout(this.queue.takeUntil(pattern, limit, onBytes), limit, waitingFor);
  }

  untilAny(patterns: readonly Uint8Array[], limit: WaitLimit, waitingFor: string): Promise<{ before: Uint8Array; matched: number }> {
    return this.explainTimeout(this.queue.takeUntilAny(patterns, limit), limit, waitingFor);
  }

  private async explainTimeout<T>(read: Promise<T>, limit: WaitLimit, waitingFor: string): Promise<T> {
    try {
      return await read;
    } catch (error) {
      if (!(error instanceof WaitTimeout)) throw error;
      const waited = error.reason === 'idle' ? (limit.idleMs ?? error.waitedMs) : error.waitedMs;
      throw new RawReplTimeoutError(this.label, waitingFor, waited, this.queue.recent());
    }
  }
}
