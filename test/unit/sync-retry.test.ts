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
