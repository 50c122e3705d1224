/**
 * Property: the engine's results do not depend on how the board's bytes are split into chunks.
 * A fake board's full output is recorded once for a fixed scenario, then replayed to the engine
 * cut at random points; results, stats and the bytes the host writes must all be identical.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../../protocol/transport.ts';
import { RawRepl, type ExecResult } from '../../protocol/repl/index.ts';
import { FakeBoard, traceback, type TranscriptSegment } from '../helpers/fake-board.ts';

interface Outcome {
  results: Array<{ stdout: number[]; error: string }>;
  stats: RawRepl['stats'];
  hostBytes: number[];
}

const BIG = 'echo:' + 'abcdefghij'.repeat(15); // 155 bytes: more than two 32-byte windows

async function scenario(transport: Transport): Promise<Omit<Outcome, 'hostBytes'>> {
  const repl = new RawRepl(transport, { drainMs: 5 });
  await repl.enter({ deadlineMs: 2_000 });
  const results: ExecResult[] = [];
  for (const code of ['print(1)', 'boom', 'bad utf8', BIG, 'eot']) results.push(await repl.exec(code, { timeoutMs: 2_000 }));
  return { results: results.map((r) => ({ stdout: [...r.stdout], error: r.error })), stats: repl.stats };
}

/** Plays back recorded board output, never before the host bytes that caused it were written. */
class ReplayTransport implements Transport {
  readonly label = 'replay';
  bytesWritten = 0;
  readonly closed = new Promise<Error | undefined>(() => {});
  readonly written: number[] = [];
  private receiver: ((bytes: Uint8Array) => void) | undefined;
  private released = 0;
  private delivered = 0;
  private delivering = false;
  private readonly stream: Uint8Array;
  private readonly segmentEnds: Array<{ afterHostBytes: number; end: number }> = [];

  constructor(
    segments: TranscriptSegment[],
    private readonly cuts: number[],
  ) {
    let end = 0;
    for (const segment of segments) {
      end += segment.bytes.length;
      this.segmentEnds.push({ afterHostBytes: segment.afterHostBytes, end });
    }
    this.stream = new Uint8Array(end);
    let offset = 0;
    for (const segment of segments) {
      this.stream.set(segment.bytes, offset);
      offset += segment.bytes.length;
    }
  }

  setReceiver(receiver: (bytes: Uint8Array) => void): void {
    this.receiver = receiver;
    this.release();
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.bytesWritten += bytes.length;
    this.written.push(...bytes);
    this.release();
  }

  async close(): Promise<void> {}

  private release(): void {
    for (const { afterHostBytes, end } of this.segmentEnds) {
      if (afterHostBytes <= this.bytesWritten) this.released = Math.max(this.released, end);
    }
    void this.deliver();
  }

  /** One chunk per microtask, split wherever a cut falls. */
  private async deliver(): Promise<void> {
    if (this.delivering || !this.receiver) return;
    this.delivering = true;
    while (this.delivered < this.released) {
      await Promise.resolve();
      const nextCut = this.cuts.find((cut) => cut > this.delivered) ?? Infinity;
      const end = Math.min(nextCut, this.released);
      this.receiver(this.stream.slice(this.delivered, end));
      this.delivered = end;
    }
    this.delivering = false;
  }
}

describe('raw REPL replay property', () => {
  let recorded: Outcome;
  let transcript: TranscriptSegment[];
  let total = 0;

  beforeAll(async () => {
    const board = new FakeBoard({
      window: 32,
      run: (code) => {
        if (code === 'boom') return { stdout: 'partial\r\n', error: traceback('ValueError', 'bad value') };
        if (code === 'bad utf8') return { stdout: Uint8Array.of(0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28, 0x8c, 0x0d, 0x0a) };
        if (code.startsWith('echo:')) return { stdout: code.slice(5) };
        if (code === 'eot') return { stdout: 'x\x04y\r\n', error: traceback('OSError', '5') }; // \x04 in stdout
        return { stdout: '1\r\n' };
      },
    });
    const outcome = await scenario(board);
    recorded = { ...outcome, hostBytes: board.hostWrites.flatMap((w) => [...w]) };
    transcript = board.transcript;
    total = board.bytesToHost;
    expect(board.creditViolations).toBe(0);
  });

  it('the recorded scenario is what it claims to be', () => {
    expect(recorded.results.map((r) => r.error !== '')).toEqual([false, true, false, false, true]);
    expect(recorded.results[4]!.stdout).toEqual([...new TextEncoder().encode('x\x04y\r\n')]);
    expect(recorded.results[1]!.error).toContain('ValueError: bad value');
    expect(recorded.results[2]!.stdout).toContain(0xa0); // invalid UTF-8 kept as is
    expect(new TextDecoder().decode(Uint8Array.from(recorded.results[3]!.stdout))).toBe(BIG.slice(5));
    expect(recorded.stats.bytesReceived).toBe(total);
  });

  it('gives identical results and stats wherever the incoming bytes are cut', async () => {
    const everyByte = Array.from({ length: total }, (_, i) => i + 1);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, total - 1) }), { maxLength: 300 }), async (cutList) => {
        const cuts = [...cutList].sort((a, b) => a - b);
        const replay = new ReplayTransport(transcript, cuts);
        const outcome = await scenario(replay);
        expect(outcome.results).toEqual(recorded.results);
        expect(outcome.stats).toEqual(recorded.stats);
        expect(replay.written).toEqual(recorded.hostBytes);
      }),
      { numRuns: 60, examples: [[[]], [everyByte]] },
    );
  });
});
