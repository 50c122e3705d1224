import { describe, expect, it } from 'vitest';
import { planSync, type LocalFile } from '../../protocol/plan';
import { FAIL_MARK, DONE_MARK } from '../../protocol/python/snippets-fs';
import type { ExecResult, RawRepl } from '../../protocol/repl';
import { executePlan } from '../../protocol/sync';
import { fakeProbe } from '../helpers/probes';

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
      const out = tags.map(([, path, tag]) => (damage(path!, programs.length) ? `${FAIL_MARK}${tag}:${path} arrived damaged` : `${DONE_MARK}${tag}`));
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

  it('reports it failed, with the board\'s words, when the second copy is damaged too', async () => {
    const { repl, programs } = scriptedBoard((path) => path === 'b.py');
    const outcome = await executePlan(repl, plan, contents, board);
    expect(outcome.uploaded).toEqual(['a.py']);
    expect(outcome.failed).toEqual([{ file: 'b.py', error: 'mpysync: b.py arrived damaged' }]);
    expect(programs).toHaveLength(2);
  });
});
