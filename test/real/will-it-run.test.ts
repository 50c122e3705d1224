/**
 * "Will it run?": every .py is compiled on the host by MicroPython's own compiler for the board,
 * before a byte is sent, and each board gets one honest status (ok / problems / failed) that the
 * exit code follows. Against the 1.27 virtual board and the micro:bit (1.9.2, no native emitter).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrobit, startVirtualBoard, type BoardProcess, type VirtualBoardProcess } from '../helpers/boards.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mpysync-will-it-run-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const BROKEN = project({
  'main.py': 'import helper\nprint(helper.twice(21))\n',
  'helper.py': 'def twice(x):\n    return 2 * x\n',
  'broken.py': 'x = 1\n\ndef oops(:\n    pass\n',
});
const NATIVE = project({ 'fast.py': 'import micropython\n\n\n@micropython.native\ndef f(x):\n    return x + 1\n' });
const CLEAN = project({ 'main.py': 'print("hello")\n' });
// MicroPython 1.19 (the host's compiler) has no !r in f-strings; 1.27 has.
const NEWER = project({ 'conv.py': 'x = f"{1!r}"\n', 'util.py': 'def add(a, b)\n    return a + b\n' });

describe('will it run: the host compiles every .py for the board', () => {
  let board: VirtualBoardProcess;
  beforeAll(async () => {
    board = await startVirtualBoard();
  });
  afterAll(async () => board?.stop());

  it('plan: a syntax error is found with its file and line before any byte is sent', async () => {
    const { result, json } = await runCliJson<{ boards: any[] }>(['plan', BROKEN, '--port', board.port]);
    const b = json.boards[0];
    expect(b.status).toBe('problems');
    expect(b.problems).toEqual([
      expect.objectContaining({ file: 'broken.py', line: 3, kind: 'syntax', message: expect.stringMatching(/^broken\.py:3: SyntaxError: invalid syntax/) }),
    ]);
    expect(result.code).toBe(1);
    const ls = await runCli(['ls', '/', '--port', board.port]);
    expect(ls.stdout).not.toMatch(/broken\.py/);
  });

  it('sync: the files arrive, the board is "problems" (not ok), exit 1; the table says why', async () => {
    const run = await runCli(['sync', BROKEN, '--port', board.port]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/problem broken\.py:3: SyntaxError/);
    expect(run.stdout).toMatch(/problems: 1 will not compile/);
    const { json } = await runCliJson<{ boards: any[] }>(['sync', BROKEN, '--port', board.port]);
    expect(json.boards[0]).toMatchObject({ status: 'problems', completed: true });
  });

  it('@micropython.native on a board without a native emitter is flagged with its line', async () => {
    const { json } = await runCliJson<{ boards: any[] }>(['plan', NATIVE, '--port', board.port]);
    expect(json.boards[0].problems).toEqual([expect.objectContaining({ file: 'fast.py', line: 4, message: expect.stringMatching(/no native code emitter/) })]);
  });

  it("what the host's older compiler rejects, the board's own compiler decides: its line, no false alarm", async () => {
    const { json } = await runCliJson<{ boards: any[] }>(['plan', NEWER, '--port', board.port]);
    // The host's 1.19 compiler says util.py line 2 and rejects conv.py; MicroPython 1.27 says line 1 and compiles conv.py.
    expect(json.boards[0].problems).toEqual([
      { file: 'util.py', line: 1, kind: 'syntax', message: 'util.py:1: SyntaxError: invalid syntax. Fix: correct the line, then sync again.' },
    ]);
  });

  it('a clean project is ok, exit 0', async () => {
    const { result, json } = await runCliJson<{ boards: any[] }>(['sync', CLEAN, '--port', board.port]);
    expect(json.boards[0]).toMatchObject({ status: 'ok', problems: [] });
    expect(result.code).toBe(0);
  });
});

describe('will it run: the micro:bit (MicroPython 1.9.2)', () => {
  let microbit: BoardProcess;
  beforeAll(async () => {
    microbit = await startMicrobit();
  });
  afterAll(async () => microbit?.stop());

  it('flags a native decorator with its line; two boards synced together are both "problems", exit 1', async () => {
    const virtual = await startVirtualBoard();
    try {
      const { result, json } = await runCliJson<{ boards: any[] }>(['plan', NATIVE, '--port', microbit.port], { timeoutMs: 60_000 });
      expect(json.boards[0].problems).toEqual([
        expect.objectContaining({ file: 'fast.py', line: 4, message: expect.stringMatching(/MicroPython 1\.9\.2.*no native code emitter/) }),
      ]);
      expect(result.code).toBe(1);
      const both = await runCliJson<{ boards: any[] }>(['sync', NATIVE, '--port', microbit.port, '--port', virtual.port], { timeoutMs: 60_000 });
      expect(both.json.boards.map((b: { status: string }) => b.status)).toEqual(['problems', 'problems']);
      expect(both.result.code).toBe(1);
    } finally {
      await virtual.stop();
    }
  });
});
