import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Feeder, FEED_CREDIT, FEED_PIECE, FEED_WINDOW, feedCredits, withoutCredits } from '../../protocol/repl/feed.ts';
import type { ReplLink } from '../../protocol/repl/link.ts';

/** The micro:bit's UART input ring: 64 slots, one kept empty; what does not fit is dropped. */
const RING_CAPACITY = 63;

/**
 * The board side, as FEED_READER does it (transfer/write-program.ts): `_r(n)` grants FEED_WINDOW
 * credits, reads what has arrived (at most FEED_PIECE and never past its n), and grants the next
 * credit once the pieces before the window are consumed. Bytes arrive in a ring that drops what
 * does not fit, as the firmware's does.
 */
class BoardModel {
  ring: number[] = [];
  dropped = 0;
  maxQueued = 0;
  received: Uint8Array[] = [];
  constructor(private readonly emit: (bytes: Uint8Array) => void) {}

  arrive(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (this.ring.length < RING_CAPACITY) this.ring.push(b);
      else this.dropped++;
    }
    this.maxQueued = Math.max(this.maxQueued, this.ring.length);
  }

  /** One `_r(n)` call, driven step by step by `pump` (which delivers the host's writes). */
  async read(n: number, pump: () => Promise<void>): Promise<void> {
    const c = Math.ceil(n / FEED_PIECE);
    let g = Math.min(c, FEED_WINDOW);
    let q = 0;
    const out: number[] = [];
    this.emit(new Uint8Array(g).fill(FEED_CREDIT));
    for (let idle = 0; q < n;) {
      await pump();
      const d = this.ring.splice(0, Math.min(n - q, FEED_PIECE));
      if (!d.length) {
        if (++idle > 1000) throw new Error(`stalled at ${q} of ${n}`);
        continue;
      }
      idle = 0;
      out.push(...d);
      q += d.length;
      while (g < c && q >= (g - (FEED_WINDOW - 1)) * FEED_PIECE) {
        this.emit(Uint8Array.of(FEED_CREDIT));
        g++;
      }
    }
    this.received.push(Uint8Array.from(out));
  }
}

function fakeLink(deliver: (bytes: Uint8Array) => void): ReplLink & { creditWaits: number } {
  const link = {
    creditWaits: 0,
    async write(bytes: Uint8Array) {
      deliver(bytes.slice());
    },
    countCreditWait() {
      link.creditWaits++;
    },
  };
  return link as unknown as ReplLink & { creditWaits: number };
}

describe('feeding a running program', () => {
  it('every segment arrives whole, in order, and the board never holds more than two pieces (its 63-byte buffer never overflows)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 5 }), fc.integer(), async (lengths, seed) => {
        const segments = lengths.map((n, i) => Uint8Array.from({ length: n }, (_, j) => (seed + i * 7 + j * 13) & 0xff));
        const inFlight: Uint8Array[] = [];
        const link = fakeLink((bytes) => inFlight.push(bytes));
        const stdout: number[] = [];
        const feeder = new Feeder(link, segments, 1000);
        const board = new BoardModel((bytes) => stdout.push(...feeder.take(bytes)));
        // The line delivers whatever the host has written, in bursts, as qemu's UART does.
        const pump = async () => {
          await feeder.settle();
          while (inFlight.length) board.arrive(inFlight.shift()!);
        };
        for (const s of segments) await board.read(s.length, pump);
        await pump();
        expect(board.dropped).toBe(0);
        expect(board.maxQueued).toBeLessThanOrEqual(FEED_WINDOW * FEED_PIECE);
        expect(board.received).toEqual(segments);
        expect(feeder.complete).toBe(true);
        expect(feeder.sentBytes).toBe(segments.reduce((n, s) => n + s.length, 0));
        expect(stdout).toEqual([]);
        // Every credit after the first window is counted as flow control inside the command.
        expect(link.creditWaits).toBe(feedCredits(segments) - Math.min(FEED_WINDOW, feedCredits(segments)));
      }),
      { numRuns: 60 },
    );
  });

  it('takes only the credits it expects out of stdout, and keeps everything else the program printed', () => {
    const sent: Uint8Array[] = [];
    const feeder = new Feeder(
      fakeLink((b) => sent.push(b)),
      [new Uint8Array(40).fill(7)],
      1000,
    );
    const kept = feeder.take(Uint8Array.of(0x41, FEED_CREDIT, 0x42, FEED_CREDIT, FEED_CREDIT, 0x43));
    // 40 bytes are two pieces: the third credit byte is the program's own output.
    expect([...kept]).toEqual([0x41, 0x42, FEED_CREDIT, 0x43]);
    expect(feeder.credits).toBe(2);
    expect(feeder.complete).toBe(true);
    expect([...withoutCredits(Uint8Array.of(0x41, FEED_CREDIT, 0x42, FEED_CREDIT, FEED_CREDIT, 0x43), feeder.credits)]).toEqual([...kept]);
  });

  it('a failed write is kept and thrown by settle, and nothing more is written after it', async () => {
    let writes = 0;
    const link = {
      async write() {
        writes++;
        throw new Error('the port went away');
      },
      countCreditWait() {},
    } as unknown as ReplLink;
    const feeder = new Feeder(link, [new Uint8Array(100)], 1000);
    feeder.take(Uint8Array.of(FEED_CREDIT, FEED_CREDIT, FEED_CREDIT));
    await expect(feeder.settle()).rejects.toThrow('the port went away');
    expect(writes).toBe(1);
  });
});
