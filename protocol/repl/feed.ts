/**
 * Feeding a running program: on a board without raw-paste (MicroPython before 1.14, the
 * micro:bit), file data can go to the board as the raw bytes themselves instead of Python literals
 * in the program text. The program (`_r` in transfer/write-program.ts) reads them from the console and
 * asks for each piece by printing one FEED_CREDIT byte, as raw-paste does for code: the host never
 * has more than FEED_WINDOW pieces on their way, so the board's UART input buffer (64 bytes on the
 * micro:bit, which drops what does not fit) never overflows, whatever the link's speed.
 *
 * The bytes are fed in segments, one per `_r(n)` call of the program, in order. Pieces never cross
 * a segment: `_r(n)` asks for exactly ceil(n / FEED_PIECE) pieces and reads exactly n bytes, so the
 * next call starts with nothing of its data already sent.
 */
import type { ReplLink } from './link.ts';

/** The byte the program prints to ask for the next piece (ASCII ACK; never in the program's text output). */
export const FEED_CREDIT = 0x06;
/** Bytes per piece: two pieces (62 bytes) fit the micro:bit's 63-byte UART input buffer. */
export const FEED_PIECE = 31;
/** Credits the program gives before it reads anything. */
export const FEED_WINDOW = 2;
/**
 * The program gives up when a piece has not completed this long after the one before it. A piece
 * takes 32 ms at 9600 baud; the margin is for a busy host. Short enough that a host reconnecting
 * after the old one died gets in within its 2.5 s deadline.
 */
export const FEED_STALL_MS = 1_000;
/** After an error the program drops input until the line has been quiet this long. */
export const FEED_QUIET_MS = 200;

/** How many credits a program reading `segments` prints in all. */
export function feedCredits(segments: readonly Uint8Array[]): number {
  return segments.reduce((n, s) => n + Math.ceil(s.length / FEED_PIECE), 0);
}

/**
 * The host's side: takes the credits out of the program's stdout and answers each with the next
 * piece. Writes go out one at a time, in order; a failed write is kept and thrown by `settle`.
 */
export class Feeder {
  private segment = 0;
  private offset = 0;
  private granted = 0;
  private readonly expected: number;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown = undefined;
  private sent = 0;

  constructor(
    private readonly link: ReplLink,
    private readonly segments: readonly Uint8Array[],
    private readonly writeTimeoutMs: number,
    private readonly onFed: (sentBytes: number) => void = () => {},
  ) {
    this.expected = feedCredits(segments);
  }

  /** Credits answered so far. */
  get credits(): number {
    return this.granted;
  }

  /** File bytes written to the link so far. */
  get sentBytes(): number {
    return this.sent;
  }

  /** Everything fed (the program asked for every piece). */
  get complete(): boolean {
    return this.granted === this.expected;
  }

  /** Stdout as the program printed it, without the credit bytes; each credit sends a piece. */
  take(chunk: Uint8Array): Uint8Array {
    if (this.granted === this.expected || !chunk.includes(FEED_CREDIT)) return chunk;
    const kept: number[] = [];
    for (const byte of chunk) {
      if (byte === FEED_CREDIT && this.granted < this.expected) this.grant();
      else kept.push(byte);
    }
    return Uint8Array.from(kept);
  }

  /** The writes answering the credits seen so far are done. */
  async settle(): Promise<void> {
    await this.writing;
    if (this.failure !== undefined) throw this.failure;
  }

  private grant(): void {
    this.granted++;
    // The first window is given before the program reads anything; later credits are flow control.
    if (this.granted > FEED_WINDOW) this.link.countCreditWait();
    const piece = this.nextPiece();
    this.writing = this.writing.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await this.link.write(piece, this.writeTimeoutMs);
        this.sent += piece.length;
        this.onFed(this.sent);
      } catch (error) {
        this.failure = error;
      }
    });
  }

  private nextPiece(): Uint8Array {
    while (this.offset >= this.segments[this.segment]!.length) {
      this.segment++;
      this.offset = 0;
    }
    const data = this.segments[this.segment]!;
    const piece = data.subarray(this.offset, this.offset + FEED_PIECE);
    this.offset += piece.length;
    return piece;
  }
}

/** `stdout` without its first `count` credit bytes (the ones the Feeder answered). */
export function withoutCredits(stdout: Uint8Array, count: number): Uint8Array {
  if (count === 0) return stdout;
  const kept: number[] = [];
  let left = count;
  for (const byte of stdout) {
    if (byte === FEED_CREDIT && left > 0) left--;
    else kept.push(byte);
  }
  return Uint8Array.from(kept);
}
