import { TransportClosedError } from '../../protocol/errors.ts';

/**
 * The bookkeeping every Transport implementation shares (see protocol/transport.ts): hold incoming
 * bytes until a receiver is set, resolve `closed` exactly once, count written bytes.
 * Universal code only: both the Node and the browser transports use it.
 */
export class LinkState {
  private receiver: ((bytes: Uint8Array) => void) | undefined;
  private pending: Uint8Array[] = [];
  private resolveClosed!: (reason: Error | undefined) => void;
  private endReason: { error: Error | undefined } | undefined;
  bytesWritten = 0;
  readonly closed: Promise<Error | undefined> = new Promise((resolve) => {
    this.resolveClosed = resolve;
  });

  get isEnded(): boolean {
    return this.endReason !== undefined;
  }

  /** Why the link ended: undefined while open or after a requested close. */
  get endError(): Error | undefined {
    return this.endReason?.error;
  }

  setReceiver(receiver: (bytes: Uint8Array) => void): void {
    this.receiver = receiver;
    const queued = this.pending;
    this.pending = [];
    for (const chunk of queued) receiver(chunk);
  }

  deliver(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.receiver) this.receiver(bytes);
    else this.pending.push(bytes);
  }

  /** The error a write (or anything else) gets once the link has ended or is closing. */
  closedError(label: string, cause?: unknown): TransportClosedError {
    const reason = this.endError;
    if (reason instanceof TransportClosedError) return reason;
    return new TransportClosedError(label, reason ? reason.message : 'it was closed', { cause: cause ?? reason });
  }

  /** First call wins; later calls are ignored. */
  end(error: Error | undefined): void {
    if (this.endReason) return;
    this.endReason = { error };
    this.resolveClosed(error);
  }
}

/** Rejects with `onTimeout()` if `promise` has not settled within `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
