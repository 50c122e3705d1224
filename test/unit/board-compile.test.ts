import { describe, expect, it } from 'vitest';
import { boardCompileFilesProgram, boardCompileProgram, parseBoardCompile } from '../../protocol/plan/board-compile.ts';

describe("the board's compiler, for what the host's rejected", () => {
  it('reads one verdict per source: ok, an error with its line, out of memory (not an error of the source), and no verdict for a missing compile()', () => {
    const stdout = [
      'mps-c#0:ok',
      'mps-c#1:err',
      'Traceback (most recent call last):',
      '  File "<stdin>", line 7, in <module>',
      '  File "lib/util.py", line 1',
      'SyntaxError: invalid syntax',
      'mps-c#2:err',
      'Traceback (most recent call last):',
      '  File "<stdin>", line 12, in <module>',
      'MemoryError: memory allocation failed, allocating 4096 bytes',
      'mps-c#end',
    ].join('\r\n');
    expect(parseBoardCompile(stdout, 4)).toEqual([
      { kind: 'ok' },
      { kind: 'error', line: 1, message: 'SyntaxError: invalid syntax' },
      { kind: 'memory', message: 'MemoryError: memory allocation failed, allocating 4096 bytes' },
      { kind: 'unknown' },
    ]);
    expect(parseBoardCompile('mps-c#none\r\nmps-c#end\r\n', 2)).toEqual([{ kind: 'unknown' }, { kind: 'unknown' }]);
  });

  it('puts names and sources into the program only as escaped literals, each check in its own try', () => {
    const program = new TextDecoder().decode(boardCompileProgram([{ file: "a'); import os; os.remove('main.py'); ('.py", source: "print('x')\n" }]));
    expect(program).toContain("compile('print(\\'x\\')\\x0a','a\\'); import os; os.remove(\\'main.py\\'); (\\'.py','exec')");
    expect(program.split('\n').filter((l) => /^\S/.test(l))).toEqual(['import sys', 'try:', 'except NameError:', 'else:', "print('mps-c#end')"]);
  });
});

describe('the board compiles the files it holds (after a sync)', () => {
  it('sends the names only, and reads each file on the board', () => {
    const program = new TextDecoder().decode(boardCompileFilesProgram(['main.py', "lib/it's.py"]));
    expect(program).toContain("for _f in ('main.py','lib/it\\'s.py',):");
    expect(program).toContain("compile(_s,_f,'exec')");
    // The heap the compile took is read before anything collects its garbage.
    expect(program).toContain("print('mps-c#%d:ok %d' % (_i,_m-gc.mem_free()))");
    expect(program).not.toMatch(/exec\(|import main/);
  });
});
