/**
 * `sync --run`: after the files arrive, the board restarts as on power-up and runs main.py; what it
 * prints is the result, and a traceback is a problem of its file and line. On the virtual board
 * (MicroPython 1.27) and the micro:bit (1.9.2, whose main.py keeps running and is left running).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrobit, startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { projectDir } from '../helpers/project-dir.ts';

const project = (files: Record<string, string | Uint8Array>) => projectDir(files, 'mpysync-run-');

const GOOD = project({ 'main.py': 'import helper\nprint("hello", helper.twice(21))\n', 'helper.py': 'def twice(x):\n    return 2 * x\n' });
const FAILING = project({ 'main.py': 'import helper\nprint("starting")\nhelper.go()\n', 'helper.py': 'def go():\n    return 1 / 0\n' });

describe('sync --run on the virtual board (MicroPython 1.27)', () => {
  let board: BoardProcess;
  beforeAll(async () => {
    board = await startVirtualBoard();
  });
  afterAll(async () => board?.stop());

  it("main.py runs after the sync as on power-up: its output is the board's result, status ok, exit 0", async () => {
    const { result, json } = await runCliJson<{ boards: any[] }>(['sync', GOOD, '--port', board.port, '--run']);
    expect(json.boards[0]).toMatchObject({ status: 'ok', problems: [], run: { output: 'hello 42\n', error: null, ended: true } });
    expect(result.code).toBe(0);
  });

  it('a traceback is a problem of the file and line it names (here inside helper.py), status problems, exit 1', async () => {
    const { result, json } = await runCliJson<{ boards: any[] }>(['sync', FAILING, '--port', board.port, '--run']);
    const b = json.boards[0];
    expect(b.run).toMatchObject({ ended: true, error: 'ZeroDivisionError: divide by zero' });
    expect(b.run.output).toMatch(
      /^starting\nTraceback \(most recent call last\):\n {2}File "main\.py", line 3, in <module>\n {2}File "helper\.py", line 2, in go\n/,
    );
    expect(b.problems).toEqual([
      { file: 'helper.py', line: 2, kind: 'run', message: 'helper.py:2: ZeroDivisionError: divide by zero (raised when the board ran main.py after the sync)' },
    ]);
    expect(b.status).toBe('problems');
    expect(result.code).toBe(1);
    const people = await runCli(['sync', FAILING, '--port', board.port, '--run']);
    expect(people.stdout).toMatch(/run {5}ran main\.py; it printed:\n {4}\| starting\n/);
    expect(people.stdout).toMatch(/problems: main\.py raised an error/);
  });

  it('a syntax error found before the sync and raised again when main.py imports it is one problem, not two', async () => {
    const broken = project({ 'main.py': 'import sensor\n', 'sensor.py': 'def read(:\n    pass\n' });
    const { json } = await runCliJson<{ boards: any[] }>(['sync', broken, '--port', board.port, '--run']);
    const b = json.boards[0];
    expect(b.run.error).toBe('SyntaxError: invalid syntax');
    expect(b.problems).toEqual([expect.objectContaining({ file: 'sensor.py', line: 1, kind: 'syntax' })]);
  });

  it('without --run nothing runs: main.py is not started by the sync', async () => {
    const { json } = await runCliJson<{ boards: any[] }>(['sync', FAILING, '--port', board.port]);
    expect(json.boards[0]).toMatchObject({ status: 'ok', run: null });
  });
});

describe('sync --run on the micro:bit (MicroPython 1.9.2 in qemu)', () => {
  let microbit: BoardProcess;
  beforeAll(async () => {
    microbit = await startMicrobit();
  });
  afterAll(async () => microbit?.stop());

  it('a main.py that never ends: the output so far is the result, it is left running, and the next command still gets in', async () => {
    const endless = project({
      'main.py': 'from microbit import sleep\nprint("up")\nn = 0\nwhile True:\n    n += 1\n    if n < 4:\n        print("tick", n)\n    sleep(100)\n',
    });
    const { result, json } = await runCliJson<{ boards: any[] }>(['sync', endless, '--port', microbit.port, '--run', '--run-seconds', '2'], {
      timeoutMs: 90_000,
    });
    const b = json.boards[0];
    expect(b.run).toMatchObject({ ended: false, error: null, seconds: 2 });
    expect(b.run.output).toMatch(/^up\ntick 1\ntick 2\ntick 3\n$/);
    expect(b.status).toBe('ok');
    expect(result.code).toBe(0);
    const next = await runCli(['exec', 'print(6 * 7)', '--port', microbit.port], { timeoutMs: 60_000 });
    expect(next.stdout.trim()).toBe('42');
  });
});
