/**
 * `mpysync install` (issue 18) against an index served on 127.0.0.1 (test/helpers/mip-index.ts),
 * made from real `.mpy` files and `.py` sources: to the virtual board (MicroPython 1.27, `.mpy` 6)
 * and to the micro:bit (no `_mpy`: the `py` tree).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrobit, startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { buildIndex, corpusFile } from '../helpers/mip-index.ts';
import { serveStatic, type StaticServer } from '../helpers/static-server.ts';

const greetMpy = corpusFile('greet.bytecode.v1.27.0.mpy');
const greetPy = corpusFile('greet.py');
const shapesPy = corpusFile('shapes.py');
const brokenPy = new TextEncoder().encode('def broken():\n    return 1\n');
const corrupted = (bytes: Uint8Array) => Uint8Array.from(bytes, (b, i) => (i === 10 ? b ^ 0xff : b));

const INDEX = buildIndex([
  // A package with a dependency, in both trees (as micropython-lib builds them).
  { name: 'greet', version: '1.2.0', tree: '6', files: [{ path: 'greet.mpy', bytes: greetMpy }], deps: [['shapes', 'latest']] },
  { name: 'shapes', version: '0.3.1', tree: '6', files: [{ path: 'shapes/__init__.py', bytes: shapesPy }] },
  { name: 'greet', version: '1.2.0', tree: 'py', files: [{ path: 'greet.py', bytes: greetPy }], deps: [['shapes', 'latest']] },
  { name: 'shapes', version: '0.3.1', tree: 'py', files: [{ path: 'shapes.py', bytes: shapesPy }] },
  // Native code for an arch the virtual board lacks (an STM32's armv7emsp).
  { name: 'fastmath', version: '1.0.0', tree: '6', files: [{ path: 'fastmath.mpy', bytes: corpusFile('fastmath.armv7emsp.v1.27.0.mpy') }] },
  // The index serves bytes that are not what the package names.
  { name: 'broken', version: '1.0.0', tree: '6', files: [{ path: 'broken.py', bytes: brokenPy, serve: corrupted(brokenPy) }] },
]);

describe('mpysync install from a local index', () => {
  let server: StaticServer;
  let board: BoardProcess;
  const requests: string[] = [];
  // A cache of its own: the offline test below must find only what these installs kept.
  const fetchLog = join(mkdtempSync(join(tmpdir(), 'mpysync-fetch-log-')), 'urls.txt');
  const env = { ...process.env, MPYSYNC_CACHE_DIR: mkdtempSync(join(tmpdir(), 'mpysync-install-cache-')), MPYSYNC_FETCH_LOG: fetchLog };
  const install = (args: string[]) => runCliJson<{ boards: any[] }>(['install', ...args, '--index', server.url + 'pi', '--json'], { timeoutMs: 60_000, env });
  beforeAll(async () => {
    server = await serveStatic(INDEX, requests);
    board = await startVirtualBoard();
  });
  afterAll(async () => {
    await board?.stop();
    await server?.close();
  });

  it('installs a package and its dependency into /lib, each file checked by its hash, and they import', async () => {
    const { result, json } = await install(['greet', '--port', board.port]);
    expect(result.code, result.stderr).toBe(0);
    const b = json.boards[0];
    expect(b.target).toBe('/lib');
    expect(b.packages.map((p: any) => [p.name, p.version, p.files, p.neededBy])).toEqual([
      ['greet', '1.2.0', ['greet.mpy'], null],
      ['shapes', '0.3.1', ['shapes/__init__.py'], 'greet'],
    ]);
    expect(b.uploaded.sort()).toEqual(['greet.mpy', 'shapes/__init__.py']);
    expect(requests.filter((r) => r.includes('/package/'))).toEqual(['/pi/package/6/greet/latest.json', '/pi/package/6/shapes/latest.json']);
    const run = await runCli(['exec', 'import greet, shapes\nprint(greet.greet("lib"), shapes.Rect(2, 3).area())', '--port', board.port]);
    expect(run.stdout).toContain('6');
    expect(run.stderr).toBe('');
  });

  it('a second install sends nothing: every file on the board already has its hash', async () => {
    const { json } = await install(['greet', '--port', board.port]);
    expect(json.boards[0].uploaded).toEqual([]);
    expect(json.boards[0].skipped.sort()).toEqual(['greet.mpy', 'shapes/__init__.py']);
  });

  it('refuses native code for another arch with the loader explanation, and sends nothing of it', async () => {
    const { result, json } = await install(['fastmath', '--port', board.port]);
    expect(result.code).toBe(1);
    expect(json.boards[0].refused).toEqual([expect.objectContaining({ file: 'fastmath.mpy', summary: expect.stringMatching(/native armv7emsp code/) })]);
    expect(json.boards[0].uploaded).toEqual([]);
  });

  it('refuses a file that is not what its package names, naming the package and the URL; nothing is written', async () => {
    const { result, json } = await install(['broken', '--port', board.port]);
    expect(result.code).toBe(1);
    expect(json.boards[0].error).toMatch(
      /^broken: broken\.py is not what the package names: its SHA-256 starts [0-9a-f]{8}, the package says [0-9a-f]{8}; nothing was installed \(http:\/\/127\.0\.0\.1:\d+\/pi\/file\/[0-9a-f]{2}\/[0-9a-f]{8}\)$/,
    );
    const ls = await runCli(['ls', '/lib', '--port', board.port]);
    expect(ls.stdout).not.toContain('broken');
  });

  it('a name that cannot be a package is refused before any board is opened, exit 2', async () => {
    const run = await runCli(['install', 'bad name!', '--port', '/dev/ttyNOPE', '--index', server.url + 'pi'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('mpysync: cannot install "bad name!": a package name has only letters, digits, "_", "." and "-"\n');
  });

  it('a package the index does not have is one line naming it and the URL', async () => {
    const { result, json } = await install(['nosuch@9.9', '--port', board.port]);
    expect(result.code).toBe(1);
    expect(json.boards[0].error).toMatch(
      /^nosuch: the index has no version "9\.9" of it for \.mpy 6: .*\(http:\/\/127\.0\.0\.1:\d+\/pi\/package\/6\/nosuch\/9\.9\.json\)$/,
    );
  });

  it("sync sends the packages the project's mpysync.json declares, with its files; plan shows them", async () => {
    const project = mkdtempSync(join(tmpdir(), 'mpysync-packages-'));
    writeFileSync(join(project, 'main.py'), 'import greet, shapes\nprint(shapes.Rect(1, 2).area())\n');
    writeFileSync(join(project, 'mpysync.json'), JSON.stringify({ packages: ['greet'], index: server.url + 'pi' }));
    const plan = await runCliJson<{ boards: any[] }>(['plan', project, '--port', board.port, '--json'], { timeoutMs: 60_000, env });
    const planned = plan.json.boards[0];
    expect(planned.packages.map((p: any) => p.name)).toEqual(['greet', 'shapes']);
    const actions = Object.fromEntries(planned.plan.entries.map((e: any) => [e.file, e.action]));
    // Installed by the tests above, so unchanged; mpysync.json itself is the project's, not the board's.
    expect(actions).toEqual({ 'main.py': 'upload', 'lib/greet.mpy': 'skip', 'lib/shapes/__init__.py': 'skip' });
    const { result, json } = await runCliJson<{ boards: any[] }>(['sync', project, '--port', board.port, '--run', '--json'], { timeoutMs: 60_000, env });
    expect(result.code, result.stderr).toBe(0);
    expect(json.boards[0].uploaded).toEqual(['main.py']);
    expect(json.boards[0].run.output).toBe('2\n');
  });

  it('asked the network for nothing but the index on 127.0.0.1, in every install above', () => {
    const urls = readFileSync(fetchLog, 'utf8').trim().split('\n');
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pi\//);
  });

  it('works offline the second time: a new board gets the packages from the cache', async () => {
    await server.close();
    const other = await startVirtualBoard();
    try {
      const { result, json } = await install(['greet', '--port', other.port]);
      expect(result.code, result.stderr).toBe(0);
      expect(json.boards[0].uploaded.sort()).toEqual(['greet.mpy', 'shapes/__init__.py']);
    } finally {
      await other.stop();
      server = await serveStatic(INDEX, requests);
    }
  });
});

describe('mpysync install to the micro:bit (MicroPython 1.9.2: no _mpy, no sys.path, a flat filesystem)', () => {
  let server: StaticServer;
  let microbit: BoardProcess;
  const requests: string[] = [];
  const env = { ...process.env, MPYSYNC_CACHE_DIR: mkdtempSync(join(tmpdir(), 'mpysync-install-cache-')) };
  beforeAll(async () => {
    server = await serveStatic(INDEX, requests);
    microbit = await startMicrobit();
  });
  afterAll(async () => {
    await microbit?.stop();
    await server?.close();
  });

  it('gets the py tree, into its only folder, and the modules import', async () => {
    const { result, json } = await runCliJson<{ boards: any[] }>(['install', 'greet', '--port', microbit.port, '--index', server.url + 'pi', '--json'], {
      timeoutMs: 120_000,
      env,
    });
    const b = json.boards[0];
    expect(result.code, JSON.stringify({ error: b.error, problems: b.problems, failed: b.failed, refused: b.refused })).toBe(0);
    expect(b.target).toBe('');
    expect(requests.filter((r) => r.includes('/package/'))).toEqual(['/pi/package/py/greet/latest.json', '/pi/package/py/shapes/latest.json']);
    expect(b.uploaded.sort()).toEqual(['greet.py', 'shapes.py']);
    const run = await runCli(['exec', 'import greet, shapes\nprint(shapes.Rect(2, 3).area())', '--port', microbit.port], { timeoutMs: 60_000 });
    expect(run.stdout.trim()).toBe('6');
  });
});
