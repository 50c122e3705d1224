import { describe, expect, it } from 'vitest';
import { checkSources, type HostCompiler } from '../../protocol/plan/source-check.ts';
import { fakeProbe } from '../helpers/probes.ts';

const text = (s: string) => new TextEncoder().encode(s);

/** A compiler that answers each file with the traceback `answers` gives (none: it compiles). */
function scripted(answers: Record<string, string[]>): HostCompiler {
  return { release: '1.19', compile: async (file) => (answers[file] ? { ok: false, err: answers[file]! } : { ok: true, err: [] }) };
}

describe('checkSources: what the host compiler says is a verdict only when it is about the source', () => {
  const board = fakeProbe(774);
  const files = [
    { relative: 'bad.py', bytes: text('def f(:\n') },
    { relative: 'huge.py', bytes: text('X = 1\n') },
  ];
  const compiler = scripted({
    'bad.py': ['Traceback (most recent call last):', '  File "bad.py", line 1', 'SyntaxError: invalid syntax'],
    'huge.py': ['Traceback (most recent call last):', 'MemoryError: memory allocation failed, allocating 81920 bytes'],
  });

  it('flags a syntax error with its line, and says nothing of a source too large for the host compiler', async () => {
    const problems = await checkSources(files, board, compiler);
    expect(problems.map((p) => [p.file, p.line])).toEqual([['bad.py', 1]]);
    expect(problems[0]!.message).toMatch(/^bad\.py:1: SyntaxError: invalid syntax/);
  });
});
