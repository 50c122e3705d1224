/**
 * The package as a user gets it (test/helpers/installed-package.ts: packed, installed offline into
 * an empty folder), then the installed `mpysync` command and the library entry points, with the
 * README's library examples run as written.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAndInstall, ROOT, VERSION } from '../helpers/installed-package.ts';
import { readmeBlocks } from '../helpers/readme.ts';

const run = promisify(execFile);
const FASTMATH = join(ROOT, 'test/fixtures/sync-project/lib/fastmath.mpy');

describe('the npm package, packed and installed offline into an empty folder', () => {
  const work = mkdtempSync(join(tmpdir(), 'mpysync-package-'));
  let consumer: string;
  let files: string[];
  const mpysync = (args: string[]) =>
    run(join(consumer, 'node_modules/.bin/mpysync'), args, { cwd: consumer, timeout: 60_000 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  beforeAll(async () => {
    const installed = await packAndInstall(work);
    files = installed.files;
    consumer = installed.folder;
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships only what runs: the bin, the built JavaScript and its types; no tests, fixtures, sources or page', () => {
    expect(files).toContain('bin/mpysync.mjs');
    expect(files).toContain('dist/device/cli/main.js');
    expect(files).toContain('dist/protocol/index.d.ts');
    const unwanted = files.filter((f) => /^(test|ui|bench|docs|scripts)\/|fixtures|\.test\.|(?<!\.d)\.ts$|\.tsbuildinfo$|^dist\/web\//.test(f));
    expect(unwanted).toEqual([]);
    // Nothing else at all: the bin, the built library and CLI, and what npm always ships.
    expect(files.filter((f) => !/^(bin\/|dist\/(protocol|device)\/.+\.(js|d\.ts)$|package\.json$|README\.md$|LICENSE$)/.test(f))).toEqual([]);
  });

  it('the installed mpysync prints its version and judges a .mpy offline', async () => {
    const version = await mpysync(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    cpSync(FASTMATH, join(consumer, 'fastmath.mpy'));
    const check = await mpysync(['check', '--board-mpy', 'rp2040', 'fastmath.mpy', '--json']);
    expect(check.code, check.stderr).toBe(1);
    expect(JSON.parse(check.stdout)).toEqual([
      expect.objectContaining({ file: 'fastmath.mpy', loadable: false, firmwareError: 'incompatible .mpy file', fix: expect.stringMatching(/mpy-cross/) }),
    ]);
  });

  it('the installed mpysync syncs a small project to a virtual board, and the plan was checked by its compiler', async () => {
    const project = join(consumer, 'small-project');
    mkdirSync(join(project, 'lib'), { recursive: true });
    writeFileSync(join(project, 'main.py'), 'import greet\nprint(greet.hello())\n');
    writeFileSync(join(project, 'lib/greet.py'), 'def hello():\n    return "hi"\n');
    const sync = await mpysync(['sync', 'small-project', '--port', 'virtual', '--json']);
    expect(sync.code, sync.stderr).toBe(0);
    const [board] = JSON.parse(sync.stdout).boards;
    expect(board).toMatchObject({ status: 'ok', completed: true, problems: [], refused: [] });
    expect([...board.uploaded].sort()).toEqual(['lib/greet.py', 'main.py']);
  });

  it("the README's library examples run against the installed package: a .mpy judged, a board probed and synced", async () => {
    const [judge, board] = readmeBlocks('As a library', 'js');
    expect(judge && board, 'README.md "As a library" has two js blocks').toBeTruthy();
    cpSync(FASTMATH, join(consumer, 'fastmath.mpy'));
    writeFileSync(join(consumer, 'judge.mjs'), judge!);
    const judged = await run(process.execPath, ['judge.mjs'], { cwd: consumer, timeout: 30_000 });
    expect(judged.stdout).toMatch(/^armv7emsp 6\.3 armv6m\nfalse incompatible \.mpy file\nfastmath\.mpy holds native armv7emsp code .* Fix: /);

    mkdirSync(join(consumer, 'my-project'), { recursive: true });
    writeFileSync(join(consumer, 'my-project/main.py'), 'print("hello")\n');
    writeFileSync(join(consumer, 'my-project/broken.py'), 'def oops(:\n    pass\n');
    writeFileSync(join(consumer, 'board.mjs'), board!);
    const synced = await run(process.execPath, ['board.mjs'], { cwd: consumer, timeout: 60_000 });
    expect(synced.stdout).toMatch(/^1\.27\.0 6\.3\b.* \d+\n/);
    expect(synced.stdout).toMatch(/sent main\.py/);
    // broken.py does not compile: the board's status is "problems", with the file and line.
    expect(synced.stdout).toMatch(/problems \[ 'broken\.py', 'main\.py' \] 0 \[\s*\{\s*file: 'broken\.py',\s*line: 1,/);
  });

  it('the types: a TypeScript consumer (strict, NodeNext resolution) compiles against the installed declarations', async () => {
    writeFileSync(
      join(consumer, 'use.ts'),
      [
        "import { judgeMpy, RawRepl, type BoardProbe, type Transport, type Verdict } from 'mpysync';",
        "import { openBoard, type OpenedBoard } from 'mpysync/node';",
        "import { webSerialTransport } from 'mpysync/web';",
        "const verdict: Verdict = judgeMpy('x.mpy', new Uint8Array([0x4d, 6, 0, 31]), { mpy: 4870 });",
        'const loadable: boolean = verdict.loadable;',
        'export async function probeFirmware(board: OpenedBoard): Promise<string> { const t: Transport = board.transport; void t; return loadable ? "" : ""; }',
        'export type P = BoardProbe; export { RawRepl, openBoard, webSerialTransport };',
        // A wrong use must be an error: this line is checked to fail.
        '// @ts-expect-error judgeMpy needs a board',
        "judgeMpy('x.mpy', new Uint8Array());",
        '',
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const options = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2023,dom'];
    const typeRoots = ['--typeRoots', join(ROOT, 'node_modules/@types'), '--types', 'node'];
    const compiled = await run(process.execPath, [tsc, ...options, ...typeRoots, 'use.ts'], { cwd: consumer, timeout: 60_000 }).catch(
      (e: { stdout: string }) => ({ stdout: e.stdout, failed: true }),
    );
    expect(compiled.stdout).toBe('');
  });
});
