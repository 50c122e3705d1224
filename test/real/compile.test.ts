/**
 * `sync --compile`: modules go as bytecode `.mpy` compiled on the host (MicroPython 1.19's compiler,
 * `.mpy` 6.0) and import and run on the virtual board (1.27, `.mpy` 6.3); main.py stays source; the
 * index stays right both ways (a stale .py that would shadow the .mpy is removed, and a stale .mpy
 * when the .py comes back). The micro:bit loads no .mpy: its modules go as source, and it says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrobit, startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';
import { runCliJson } from '../helpers/cli.ts';
import { projectDir } from '../helpers/project-dir.ts';

const PROJECT = projectDir({
  'main.py': 'import sensors\nimport helper\nprint("reading", sensors.read(), helper.twice(2))\n',
  // Comments and blank lines are not in the .mpy: it is smaller on the wire.
  'lib/sensors.py': `# A sensor driver.\n${'# (notes)\n'.repeat(40)}\ndef read():\n    return 21\n`,
  'helper.py': 'def twice(x):\n    return 2 * x\n',
  'broken.py': 'def oops(:\n    pass\n',
});

describe('sync --compile on the virtual board (MicroPython 1.27)', () => {
  let board: BoardProcess;
  beforeAll(async () => {
    board = await startVirtualBoard();
  });
  afterAll(async () => board?.stop());
  const files = async () =>
    (await runCliJson<any[]>(['ls', '/', '--port', board.port])).json
      .map((e) => e.name)
      .concat((await runCliJson<any[]>(['ls', '/lib', '--port', board.port])).json.map((e) => `lib/${e.name}`));

  it('sends the modules as .mpy that import and run, main.py as source, and a module that will not compile as .py, saying why', async () => {
    // First as source, as a project synced before: the .py files are on the board, and the board compiled them there.
    const asSource = await runCliJson<{ boards: any[] }>(['sync', PROJECT, '--port', board.port]);
    const heap = new Map(asSource.json.boards[0].compileHeap.map((h: { file: string; bytes: number }) => [h.file, h.bytes]));
    expect([...heap.keys()].sort()).toEqual(['helper.py', 'lib/sensors.py', 'main.py']);
    for (const bytes of heap.values()) expect(bytes).toBeGreaterThan(0);
    const { json } = await runCliJson<{ boards: any[] }>(['sync', PROJECT, '--port', board.port, '--compile', '--run']);
    const b = json.boards[0];
    expect(b.compiled).toEqual([
      expect.objectContaining({ file: 'helper.py', remote: 'helper.mpy' }),
      expect.objectContaining({ file: 'lib/sensors.py', remote: 'lib/sensors.mpy' }),
    ]);
    const sensors = b.compiled.find((m: any) => m.mpy === 'lib/sensors.mpy');
    expect(sensors.mpyBytes).toBeLessThan(sensors.sourceBytes / 2);
    expect(b.asSource).toEqual([
      { file: 'broken.py', reason: expect.stringMatching(/^sent as \.py: MicroPython 1\.19's compiler could not compile it \(SyntaxError/) },
    ]);
    expect([...b.uploaded].sort()).toEqual(['helper.mpy', 'lib/sensors.mpy']);
    // The old .py files would hide the new .mpy: removed.
    expect([...b.deleted].sort()).toEqual(['helper.py', 'lib/sensors.py']);
    expect(b.run).toMatchObject({ output: 'reading 21 4\n', ended: true });
    const onBoard = await files();
    expect(onBoard).toEqual(expect.arrayContaining(['main.py', 'helper.mpy', 'lib/sensors.mpy', 'broken.py']));
    expect(onBoard).not.toContain('helper.py');
    expect(onBoard).not.toContain('lib/sensors.py');
  });

  it('unchanged, a --compile sync sends nothing (the .mpy are fingerprinted like any file)', async () => {
    const { json } = await runCliJson<{ boards: any[] }>(['sync', PROJECT, '--port', board.port, '--compile']);
    // Enter, probe + index, and the board's own compile() of broken.py (which the host rejected).
    expect(json.boards[0]).toMatchObject({ uploaded: [], deleted: [], roundTrips: 3 });
  });

  it('back to source: the .py files go again and the stale .mpy are removed', async () => {
    const { json } = await runCliJson<{ boards: any[] }>(['sync', PROJECT, '--port', board.port, '--run']);
    const b = json.boards[0];
    expect([...b.uploaded].sort()).toEqual(['helper.py', 'lib/sensors.py']);
    expect([...b.deleted].sort()).toEqual(['helper.mpy', 'lib/sensors.mpy']);
    expect(b.run.output).toBe('reading 21 4\n');
  });
});

describe('sync --compile on the micro:bit (MicroPython 1.9.2: no .mpy at all)', () => {
  let microbit: BoardProcess;
  beforeAll(async () => {
    microbit = await startMicrobit();
  });
  afterAll(async () => microbit?.stop());

  it('sends the modules as source and says why', async () => {
    const flat = projectDir({ 'main.py': 'import helper\nprint(helper.twice(21))\n', 'helper.py': 'def twice(x):\n    return 2 * x\n' });
    const { json } = await runCliJson<{ boards: any[] }>(['sync', flat, '--port', microbit.port, '--compile'], { timeoutMs: 90_000 });
    const b = json.boards[0];
    expect(b.compiled).toEqual([]);
    expect(b.asSource).toEqual([{ file: 'helper.py', reason: 'sent as .py: this board cannot use the compiled module (it loads no .mpy at all)' }]);
    expect([...b.uploaded].sort()).toEqual(['helper.py', 'main.py']);
    expect(b.status).toBe('ok');
  });
});
