/**
 * "Will it run?": every .py is compiled on the host by MicroPython's own compiler for the board,
 * before a byte is sent, and each board gets one honest status (ok / problems / failed) that the
 * exit code follows. Against the 1.27 virtual board and the micro:bit (1.9.2, no native emitter).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrobit, startVirtualBoard, type BoardProcess, type VirtualBoardProcess } from '../helpers/boards.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { projectDir } from '../helpers/project-dir.ts';

const project = (files: Record<string, string | Uint8Array>) => projectDir(files, 'mpysync-will-it-run-');

const BROKEN = project({
  'main.py': 'import helper\nprint(helper.twice(21))\n',
  'helper.py': 'def twice(x):\n    return 2 * x\n',
  'broken.py': 'x = 1\n\ndef oops(:\n    pass\n',
});
const NATIVE = project({ 'fast.py': 'import micropython\n\n\n@micropython.native\ndef f(x):\n    return x + 1\n' });
const CLEAN = project({ 'main.py': 'print("hello")\n' });
const IMPORTS = project({
  'main.py':
    'import helper\nimport bme280\ntry:\n    import ujson as json\nexcept ImportError:\n    import json\nimport machine\nimport driver\nfrom app import screens\n',
  'helper.py': 'def twice(x):\n    return 2 * x\n',
  'app/screens.py': 'from . import helpers\nfrom .. import helper\n',
  'app/helpers.py': 'import gc\n',
});
// turbo.mpy holds native code: the WebAssembly board refuses it, so importing it cannot work there.
const REFUSED = project({ 'main.py': 'import turbo\n', 'turbo.mpy': new Uint8Array(readFileSync('test/fixtures/sync-project/lib/turbo.mpy')) });
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

  it("imports: each resolved against the project, the board's files and its built-in modules; a missing one is a problem with its line", async () => {
    // A driver installed on the board earlier: importable, though not in the project.
    const installed = await runCli([
      'exec',
      "import os\ntry:\n os.mkdir('/lib')\nexcept OSError:\n pass\nopen('/lib/driver.py','w').write('X = 1')",
      '--port',
      board.port,
    ]);
    expect(installed.code, installed.stderr).toBe(0);
    const { result, json } = await runCliJson<{ boards: any[] }>(['plan', IMPORTS, '--port', board.port]);
    const b = json.boards[0];
    expect(b.status).toBe('problems');
    // bme280 is nowhere; this firmware has no machine module; json is built in (and ujson guarded); driver is on the board.
    expect(b.problems).toEqual([
      expect.objectContaining({
        file: 'main.py',
        line: 2,
        kind: 'import',
        message: expect.stringMatching(/^main\.py:2 imports bme280, which is not in the project, not on the board/),
      }),
      expect.objectContaining({
        file: 'main.py',
        line: 7,
        kind: 'import',
        message: expect.stringMatching(/imports machine, .*not built into this firmware \(MicroPython 1\.27\.0 on webassembly\)/),
      }),
    ]);
    expect(result.code).toBe(1);
  });

  it('importing a module whose .mpy the board refused is a problem of the importer', async () => {
    const { json } = await runCliJson<{ boards: any[] }>(['plan', REFUSED, '--port', board.port]);
    expect(json.boards[0].plan.entries).toContainEqual(expect.objectContaining({ action: 'refuse', file: 'turbo.mpy' }));
    expect(json.boards[0].problems).toEqual([
      expect.objectContaining({ file: 'main.py', line: 1, kind: 'import', message: expect.stringMatching(/imports turbo, which this board refused/) }),
    ]);
  });

  it("built-in imports cost one question to the board per firmware: the next sync finds them in the host's cache (2 round trips)", async () => {
    const builtins = project({ 'main.py': 'import json\nimport gc\nfrom time import sleep\n' });
    const env = { MPYSYNC_CACHE_DIR: mkdtempSync(join(tmpdir(), 'mpysync-cache-')) };
    const first = await runCliJson<{ boards: any[] }>(['sync', builtins, '--port', board.port], { env });
    const second = await runCliJson<{ boards: any[] }>(['sync', builtins, '--port', board.port], { env });
    for (const run of [first, second]) expect(run.json.boards[0]).toMatchObject({ status: 'ok', problems: [] });
    // enter, probe + index, the module question, the write, the board's compile() of main.py; then enter, probe + index and nothing else.
    expect(first.json.boards[0].roundTrips).toBe(5);
    expect(second.json.boards[0].roundTrips).toBe(2);
  });

  it('several boards: the same refusal or problem is explained once, with the boards it applies to', async () => {
    const second = await startVirtualBoard();
    try {
      const fixture = 'test/fixtures/sync-project';
      const { json } = await runCliJson<{ boards: any[]; findings: any[] }>(['plan', fixture, '--port', board.port, '--port', second.port]);
      expect(json.findings).toEqual(
        expect.arrayContaining([
          { kind: 'refused', text: expect.stringMatching(/^lib\/turbo\.mpy: native code in \.mpy unsupported — /), boards: [board.port, second.port] },
          { kind: 'substitute', text: expect.stringMatching(/^lib\/fastmath\.mpy → lib\/fastmath\.py: /), boards: [board.port, second.port] },
        ]),
      );
      const people = await runCli(['plan', fixture, '--port', board.port, '--port', second.port]);
      expect(people.stdout.match(/turbo\.mpy holds native/g)).toHaveLength(1);
      expect(people.stdout).toMatch(/refuse {3}lib\/turbo\.mpy {5}native code in \.mpy unsupported \(explained below\)/);
      expect(people.stdout).toMatch(/What will not work as it is, and on which boards:\n {2}refused lib\/turbo\.mpy: [^\n]*\n {4}on all 2 boards/);
    } finally {
      await second.stop();
    }
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

  it('resolves imports against its own modules (no sys.path, a flat file system): microbit and music are built in, bme280 is not', async () => {
    const flat = project({
      'main.py': 'import microbit\nimport music\nimport bme280\nfrom helper import twice\n',
      'helper.py': 'def twice(x):\n    return 2 * x\n',
    });
    const { json } = await runCliJson<{ boards: any[] }>(['plan', flat, '--port', microbit.port], { timeoutMs: 60_000 });
    expect(json.boards[0].problems).toEqual([
      expect.objectContaining({
        file: 'main.py',
        line: 3,
        kind: 'import',
        message: expect.stringMatching(/imports bme280, .*MicroPython 1\.9\.2 on microbit/),
      }),
    ]);
  });

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
