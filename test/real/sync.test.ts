import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrobit, startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/sync-project', import.meta.url));
const FLAT_FIXTURE = fileURLToPath(new URL('../fixtures/flat-project', import.meta.url));

/** A private copy of a fixture project, so a test can change files in it. */
function copyProject(from = FIXTURE): string {
  const dir = mkdtempSync(join(tmpdir(), 'mpysync-project-'));
  cpSync(from, dir, { recursive: true });
  return dir;
}

async function sync(project: string, ports: string[], extra: string[] = []) {
  const { result, json } = await runCliJson<{ boards: any[] }>(['sync', project, ...ports.flatMap((p) => ['--port', p]), ...extra], { timeoutMs: 120_000 });
  return { result, boards: json.boards };
}

/** Imports the planned modules on the board and prints what they give. */
const IMPORT_ALL =
  "import sys\nif '/lib' not in sys.path: sys.path.append('/lib')\nimport greet, shapes, fastmath\nfrom app import util\nprint(greet.greet(util.NAME), fastmath.plain(21), shapes.Rect(2, 3).area(), open('data/config.json').read().strip())";

describe('sync to the virtual board (MicroPython 1.27 WebAssembly, _mpy 774, no native emitter)', () => {
  let board: BoardProcess;
  const project = copyProject();
  beforeAll(async () => {
    board = await startVirtualBoard();
  });
  afterAll(async () => board?.stop());

  it('sends what loads, substitutes the .py for the .mpy the board rejects, refuses the rest with its explanation — and every planned module imports', async () => {
    const { result, boards } = await sync(project, [board.port], ['--dest', '/']);
    expect(result.code).toBe(1); // one file refused
    const b = boards[0];
    expect(b.completed).toBe(true);
    expect(b.uploaded.sort()).toEqual(['app/__init__.py', 'app/util.py', 'data/config.json', 'lib/fastmath.py', 'lib/greet.mpy', 'lib/shapes.mpy', 'main.py']);
    expect(b.refused).toEqual([
      expect.objectContaining({
        file: 'lib/turbo.mpy',
        firmwareError: 'native code in .mpy unsupported',
        summary: expect.stringMatching(/native x64 code.*without a native code emitter/s),
      }),
    ]);
    expect(b.substituted).toEqual([
      expect.objectContaining({
        file: 'lib/fastmath.mpy',
        instead: 'lib/fastmath.py',
        firmwareError: 'incompatible .mpy file',
        summary: expect.stringMatching(/armv7emsp.*6\.1.*sub-version/s),
      }),
    ]);
    expect(b.payloadBytes).toBeGreaterThan(0);
    expect(b.wireBytesSent).toBeGreaterThan(0);
    const run = await runCli(['exec', IMPORT_ALL, '--port', board.port]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('hello from greet, classroom! 42 6 {"wifi": false, "room": "B12"}');
    // The .mpysyncignore'd file stayed home.
    const ls = await runCliJson(['ls', '/', '--port', board.port]);
    expect(ls.json.map((e: { name: string }) => e.name)).not.toContain('notes.bak');
  });

  it('shows progress as plain lines when the output is not a terminal, and --all with no board plugged in says so', async () => {
    const fresh = copyProject(FLAT_FIXTURE);
    const run = await runCli(['sync', fresh, '--port', board.port, '--dest', '/flat']);
    expect(run.stderr).toMatch(new RegExp(`\\[${board.port}\\] sent /flat/hello\\.py \\(\\d+ B\\)`));
    expect(run.stderr).not.toMatch(/\x1b\[/); // no cursor or colour codes in a pipe
    const all = await runCli(['sync', fresh, '--all']);
    expect(all.code).toBe(2);
    expect(all.stderr).toMatch(/--all found no MicroPython-looking port \(mpysync ports lists what is plugged in\)/);
  });

  it('syncing again sends 0 bytes in at most 3 round trips', async () => {
    const { boards } = await sync(project, [board.port], ['--dest', '/']);
    expect(boards[0]).toMatchObject({ completed: true, uploaded: [], payloadBytes: 0 });
    expect(boards[0].skipped).toHaveLength(7);
    expect(boards[0].roundTrips).toBeLessThanOrEqual(3);
  });

  it('changing one file uploads that file only', async () => {
    writeFileSync(join(project, 'app/util.py'), 'NAME = "changed"\n');
    const { boards } = await sync(project, [board.port], ['--dest', '/']);
    expect(boards[0].uploaded).toEqual(['app/util.py']);
    expect(boards[0].payloadBytes).toBe('NAME = "changed"\n'.length);
    const cat = await runCli(['cat', '/app/util.py', '--port', board.port]);
    expect(cat.stdout).toBe('NAME = "changed"\n');
  });

  it('plan is a dry run: it reports the actions and writes nothing', async () => {
    writeFileSync(join(project, 'extra.py'), 'X = 1\n');
    const { result, json } = await runCliJson<{ boards: any[] }>(['plan', project, '--port', board.port, '--dest', '/']);
    expect(result.code).toBe(1);
    const entries = json.boards[0].plan.entries;
    expect(entries).toContainEqual(expect.objectContaining({ action: 'upload', file: 'extra.py', reason: 'new' }));
    expect(entries).toContainEqual(expect.objectContaining({ action: 'refuse', file: 'lib/turbo.mpy' }));
    const ls = await runCliJson(['ls', '/', '--port', board.port]);
    expect(ls.json.map((e: { name: string }) => e.name)).not.toContain('extra.py');
  });
});

describe('the same project on the micro:bit (MicroPython 1.9.2: no .mpy support, flat file system)', () => {
  let microbit: BoardProcess;
  beforeAll(async () => {
    microbit = await startMicrobit();
  });
  afterAll(async () => microbit?.stop());

  it('sends .py sources only, and explains every .mpy and every file in a folder', async () => {
    const { boards } = await sync(FIXTURE, [microbit.port]);
    const b = boards[0];
    expect(b.completed, JSON.stringify({ error: b.error, failed: b.failed })).toBe(true);
    expect(b.uploaded).toEqual(['main.py']);
    for (const r of b.refused) expect(r.summary).toMatch(/no folders|_mpy/);
    expect(b.refused.map((r: { file: string }) => r.file)).toContain('lib/greet.mpy');
    expect(b.refused.find((r: { file: string }) => r.file === 'lib/greet.mpy').summary).toMatch(/no folders/);
  });

  it('a flat project: the .py goes instead of the .mpy, with the reason, and imports', async () => {
    const { boards } = await sync(FLAT_FIXTURE, [microbit.port]);
    const b = boards[0];
    expect(b.uploaded.sort(), JSON.stringify({ error: b.error, failed: b.failed })).toEqual(['greet.py', 'hello.py']);
    expect(b.substituted).toEqual([
      expect.objectContaining({ file: 'greet.mpy', instead: 'greet.py', summary: expect.stringMatching(/no sys\.implementation\._mpy/) }),
    ]);
    const run = await runCli(['exec', 'import greet\nprint(greet.greet("micro:bit"))', '--port', microbit.port]);
    expect(run.stdout.trim()).toBe('hello from greet, micro:bit!');
  });
});

describe('a classroom: three virtual boards and the micro:bit in one command', () => {
  const boards: BoardProcess[] = [];
  beforeAll(async () => {
    boards.push(...(await Promise.all([startVirtualBoard(), startVirtualBoard(), startVirtualBoard(), startMicrobit()])));
  });
  afterAll(async () => Promise.all(boards.map((b) => b.stop())));

  it('syncs each board in parallel, and the summary lists each', async () => {
    const project = copyProject(FLAT_FIXTURE);
    const human = await runCli(['sync', project, ...boards.flatMap((b) => ['--port', b.port])], { timeoutMs: 120_000 });
    expect(human.code, human.stdout + human.stderr).toBe(0);
    for (const b of boards) expect(human.stdout).toContain(b.port);
    expect(human.stdout).toMatch(/board\s+firmware\s+ABI\s+uploaded/);
    expect(human.stdout).toContain('micropython 1.9.2');
    expect(human.stdout).toContain('6.3 (bytecode only)');
    // Each board now has what it can load: the .mpy on 1.27, the .py on the micro:bit.
    const again = await sync(
      project,
      boards.map((b) => b.port),
    );
    expect(again.boards).toHaveLength(4);
    for (const b of again.boards)
      expect(b, JSON.stringify({ port: b.port, error: b.error, failed: b.failed })).toMatchObject({ completed: true, uploaded: [], payloadBytes: 0 });
    for (const b of boards) {
      const run = await runCli(['exec', 'import greet\nprint(greet.greet("room"))', '--port', b.port]);
      expect(run.stdout.trim()).toBe('hello from greet, room!');
    }
  });

  it('one board failing does not stop the others', async () => {
    const { result, boards: reports } = await sync(FLAT_FIXTURE, [boards[0]!.port, '/dev/does-not-exist']);
    expect(result.code).toBe(2);
    expect(reports[0]).toMatchObject({ completed: true });
    expect(reports[1]).toMatchObject({ completed: false, error: expect.stringMatching(/does-not-exist/) });
  });
});
