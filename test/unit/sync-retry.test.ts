import { describe, expect, it } from 'vitest';
import { planSync, type LocalFile } from '../../protocol/plan/plan.ts';
import { FAIL_MARK, DONE_MARK } from '../../protocol/transfer/write-program.ts';
import type { ExecResult, RawRepl } from '../../protocol/repl/index.ts';
import { describeFailure, executePlan } from '../../protocol/transfer/index.ts';
import { fakeProbe } from '../helpers/probes.ts';

const text = (s: string) => new TextEncoder().encode(s);
const files: LocalFile[] = [
  { relative: 'a.py', bytes: text('A = 1\n') },
  { relative: 'b.py', bytes: text('B = 2\n') },
];

/** A board that says each command's files arrived, except those `damage` names on the first try. */
function scriptedBoard(damage: (program: string, call: number) => boolean) {
  const programs: string[] = [];
  const repl = {
    async exec(code: Uint8Array): Promise<ExecResult> {
      const program = new TextDecoder().decode(code);
      programs.push(program);
      const tags = [...program.matchAll(/_fin\('[^']*','([^']*)',[^)]*,(\d+)\)/g)];
      const out = tags.map(([, path, tag]) => (damage(path!, programs.length) ? `${FAIL_MARK}${tag}:damaged:0badf00d` : `${DONE_MARK}${tag}`));
      return { stdout: text(out.join('\r\n') + '\r\n'), error: '' };
    },
  };
  return { repl: repl as unknown as RawRepl, programs };
}

describe('executePlan retries a file that arrived damaged, once', () => {
  const board = fakeProbe(774);
  const plan = planSync({ local: files, board, index: { algo: 'sha256', files: [], dirs: [] }, dest: '' });
  const contents = new Map(files.map((f) => [f.relative, f.bytes]));

  it('sends it again on its own, and reports it uploaded when the second copy is whole', async () => {
    const { repl, programs } = scriptedBoard((path, call) => path === 'b.py' && call === 1);
    const outcome = await executePlan(repl, plan, contents, board);
    expect(outcome.uploaded.sort()).toEqual(['a.py', 'b.py']);
    expect(outcome.failed).toEqual([]);
    expect(programs).toHaveLength(2);
    expect(programs[1]).toContain("'b.py'");
    expect(programs[1]).not.toContain("'a.py'");
  });

  it('reports it failed, with both fingerprints, when the second copy is damaged too', async () => {
    const { repl, programs } = scriptedBoard((path) => path === 'b.py');
    const outcome = await executePlan(repl, plan, contents, board);
    expect(outcome.uploaded).toEqual(['a.py']);
    const expected = (plan.entries.find((e) => e.action === 'upload' && e.file === 'b.py') as { fingerprint: string }).fingerprint;
    expect(outcome.failed).toEqual([
      { file: 'b.py', error: `mpysync: b.py arrived damaged (fingerprint 0badf00d, expected ${expected}); nothing was replaced` },
    ]);
    expect(programs).toHaveLength(2);
  });

  it('says in words why a file could not be put in place on a board without os.rename', () => {
    const file = { remote: 'lib/big.py', fingerprint: 'cf992641' };
    expect(describeFailure(file, 'copied', '0badf00d')).toBe(
      'mpysync: lib/big.py was damaged while the board copied it into place (fingerprint 0badf00d, expected cf992641) and was removed; ' +
        "this board's file system is unreliable when much rewritten or nearly full: sync again, and keep part of it free",
    );
    expect(describeFailure(file, 'place', '28')).toBe(
      "mpysync: lib/big.py could not be put in place (OSError: 28: the board's file system is full; remove files from it (mpysync rm) or send fewer); " +
        'without os.rename the board needs room for two copies while a file lands, and lib/big.py was removed rather than left half-written',
    );
  });
});

describe('executePlan when the board runs out of memory inside a data command', () => {
  // Bytes that do not compress, so the data travels in many pieces across several commands.
  const noise = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (Math.imul(i + seed, 2654435761) >>> 13) & 0xff);
  const big: LocalFile[] = [
    { relative: 'big.bin', bytes: noise(100_000, 1) },
    { relative: 'after.py', bytes: text('X = 1\n') },
  ];
  const board = fakeProbe(774, { memFree: 231_000 });
  const plan = planSync({ local: big, board, index: { algo: 'sha256', files: [], dirs: [] }, dest: '' });
  const contents = new Map(big.map((f) => [f.relative, f.bytes]));

  /** A fragmented heap: no free block larger than `largestBlock`, whatever `gc.mem_free()` says. */
  function fragmentedBoard(largestBlock: number) {
    const programs: string[] = [];
    let resets = 0;
    const repl = {
      async exec(code: Uint8Array): Promise<ExecResult> {
        const program = new TextDecoder('latin1').decode(code);
        programs.push(program);
        const literals = [...program.matchAll(/b'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]!.length + 3);
        const largest = Math.max(0, ...literals);
        if (largest > largestBlock)
          return { stdout: text(''), error: `Traceback (most recent call last):\r\nMemoryError: memory allocation failed, allocating ${largest} bytes\r\n` };
        const tags = [...program.matchAll(/_fin\('[^']*','([^']*)',[^)]*,(\d+)\)/g)];
        return { stdout: text(tags.map(([, , tag]) => `${DONE_MARK}${tag}`).join('\r\n') + '\r\n'), error: '' };
      },
      async softReset() {
        resets++;
      },
    };
    return { repl: repl as unknown as RawRepl, programs, resets: () => resets };
  }
  const carriesBig = (p: string) => p.includes("_o('big.bin~mps')") || p.includes('_c(') || p.includes('_f.write(');

  it('stops that file at once, says so in words, and sends it again in smaller pieces after a soft reset', async () => {
    const { repl, programs, resets } = fragmentedBoard(3000);
    const events: string[] = [];
    const outcome = await executePlan(repl, plan, contents, board, (e) => e.type === 'file-failed' && events.push(e.error));
    expect(outcome.failed).toEqual([]);
    expect(outcome.uploaded.sort()).toEqual(['after.py', 'big.bin']);
    // The first data command failed; the next program is the clean-up (close, remove the temporary
    // file, collect), not more of big.bin's data, which would leave a hole in it.
    const firstFail = programs.findIndex((p) => carriesBig(p));
    expect(programs[firstFail + 1]).toContain('_f.close()');
    expect(programs[firstFail + 1]).toContain('os.remove(_tp)');
    expect(carriesBig(programs[firstFail + 1]!)).toBe(false);
    // The second try, after one soft reset, had pieces of at most 2 KB.
    expect(resets()).toBe(1);
    expect(events).toEqual([]);
  });

  it('tries twice more with smaller pieces, then names the board error in words when nothing fits', async () => {
    const { repl, resets } = fragmentedBoard(100);
    const outcome = await executePlan(repl, plan, contents, board);
    expect(resets()).toBe(1);
    expect(outcome.uploaded).toEqual([]);
    const failure = outcome.failed.find((f) => f.file === 'big.bin')!;
    expect(failure.error).toMatch(
      /^mpysync: big\.bin: the board raised MemoryError: memory allocation failed, allocating \d+ bytes: the board ran out of memory in one piece/,
    );
    expect(failure.error).not.toMatch(/damaged/);
    expect(outcome.failed.find((f) => f.file === 'after.py')!.error).toBe('not sent: the board failed on big.bin first');
    // Each file once: big.bin's later commands do not add a "not sent" of it.
    expect(outcome.failed.map((f) => f.file).sort()).toEqual(['after.py', 'big.bin']);
  });
});
