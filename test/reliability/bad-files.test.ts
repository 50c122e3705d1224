/**
 * Files that cannot or must not go to the board: each gets a one-line reason naming it, and the
 * rest of the sync goes on. One sync, run as user `nobody` (so that chmod 000 really hides a
 * file and a folder: root reads everything), to the virtual board (MicroPython 1.27).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { planSync, type LocalFile } from '../../protocol/plan/plan.ts';
import { startVirtualBoard, type VirtualBoardProcess } from '../helpers/boards.ts';
import { runCli, writeProject } from '../helpers/hostile.ts';
import { fakeProbe } from '../helpers/probes.ts';

/** Free space the board will report: a stand-in `os` module answers statvfs with 5 blocks of 4 KB. */
const FREE_BYTES = 5 * 4096;
const SMALL_DISK = `import sys, os as _real_os
class _SmallDisk:
    def __getattr__(self, name):
        return getattr(_real_os, name)
    def statvfs(self, path):
        return (4096, 4096, 100, 5, 5, 0, 0, 0, 0, 255)
sys.modules['os'] = _SmallDisk()
`;

const GOOD = { 'good.py': 'print("good")\n', 'lib/util.py': 'X = 1\n', 'blank.py': '' };
const REFUSED: Record<string, RegExp> = {
  'empty.mpy': /empty\.mpy/,
  'one.mpy': /one\.mpy/,
  'two.mpy': /two\.mpy/,
  'three.mpy': /three\.mpy/,
  'noise.mpy': /noise\.mpy/,
  'garbage.mpy': /garbage\.mpy/,
  'latin1.py': /^latin1\.py is not UTF-8 text/,
  'huge.bin': new RegExp(`^huge\\.bin is 30000 bytes, more than the ${FREE_BYTES} bytes free on the board`),
  'secret.py': /^secret\.py: cannot read this file \(EACCES\)/,
  locked: /^locked: cannot read this folder \(EACCES\)/,
};

interface JsonBoard {
  completed: boolean;
  error: string | null;
  uploaded: string[];
  refused: Array<{ file: string; firmwareError: string | null; summary: string }>;
  failed: unknown[];
}

describe('bad files in a project synced as nobody to the virtual board', () => {
  let board: VirtualBoardProcess;
  let project: string;
  let report: JsonBoard;
  let code: number | null;

  beforeAll(async () => {
    expect(process.getuid?.(), 'this test drops to user nobody, so it must run as root').toBe(0);
    project = mkdtempSync(join(tmpdir(), 'mpysync-bad-'));
    chmodSync(project, 0o755);
    writeProject(project, {
      ...GOOD,
      'empty.mpy': new Uint8Array(0),
      'one.mpy': Uint8Array.of(0x4d),
      'two.mpy': Uint8Array.of(0x4d, 0x06),
      'three.mpy': Uint8Array.of(0x4d, 0x06, 0x00),
      // Random bodies; the first bytes are pinned so no run can stumble on a valid header.
      'noise.mpy': Uint8Array.of(0x4d, 0xff, ...randomBytes(200)),
      'garbage.mpy': Uint8Array.of(0x00, ...randomBytes(200)),
      'latin1.py': Buffer.from("print('caf\xe9')\n", 'latin1'),
      'huge.bin': randomBytes(30_000),
      'secret.py': 'TOKEN = 1\n',
      'locked/inside.py': 'Y = 2\n',
    });
    chmodSync(join(project, 'lib'), 0o755);
    chmodSync(join(project, 'secret.py'), 0o000);
    chmodSync(join(project, 'locked'), 0o000);

    board = await startVirtualBoard();
    chmodSync(board.port, 0o666);
    const setup = await runCli(['exec', SMALL_DISK, '--port', board.port]);
    expect(setup.code, setup.stderr).toBe(0);
    const run = await runCli(['sync', project, '--port', board.port, '--json'], { user: 'nobody' });
    code = run.code;
    expect(run.stdout.length, `no JSON report; stderr: ${run.stderr}`).toBeGreaterThan(0);
    report = (JSON.parse(run.stdout.toString()) as { boards: JsonBoard[] }).boards[0]!;
  });
  afterAll(async () => {
    await board?.stop();
    if (project) {
      chmodSync(join(project, 'locked'), 0o755);
      rmSync(project, { recursive: true, force: true });
    }
  });

  test('every bad file is refused with a one-line reason that names it', () => {
    for (const [file, reason] of Object.entries(REFUSED)) {
      const refusal = report.refused.find((r) => r.file === file);
      expect(refusal, `${file} should be refused; refused: ${JSON.stringify(report.refused.map((r) => r.file))}`).toBeDefined();
      expect(refusal!.summary).toMatch(reason);
      expect(refusal!.summary).not.toMatch(/\n/);
      console.info(`${JSON.stringify(file)}: ${refusal!.firmwareError ? refusal!.firmwareError + ': ' : ''}${refusal!.summary}`);
    }
    expect(report.refused.map((r) => r.file).sort()).toEqual(Object.keys(REFUSED).sort());
  });

  test('the rest of the sync went on and succeeded (exit code 1: some files were refused)', () => {
    expect(report.error).toBeNull();
    expect(report.failed).toEqual([]);
    expect(report.uploaded.sort()).toEqual(Object.keys(GOOD).sort());
    expect(code).toBe(1);
  });

  test('the board holds exactly the good files, the empty one empty, and no temporary file', async () => {
    const ls = async (path: string) => {
      const run = await runCli(['ls', path, '--json', '--port', board.port]);
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout.toString()) as Array<{ name: string; size: number }>).map((e) => `${e.name}:${e.size}`).sort();
    };
    expect(await ls('/')).toEqual(['blank.py:0', 'good.py:14', 'lib:0'].sort());
    expect(await ls('/lib')).toEqual(['util.py:6']);
  });
});

describe('free space is checked in the plan, before any byte is sent (planner)', () => {
  const file = (relative: string, size: number): LocalFile => ({ relative, bytes: new Uint8Array(size) });
  const index = { algo: 'sha256' as const, files: [], dirs: [] };
  const smallBoard = fakeProbe(4870, { fs: { cwd: '/', total: 64 * 1024, free: 10 * 1024, blockSize: 1024, dirs: true, rename: true, stat: true } });

  test('a file larger than the free space is refused by name; the others are planned', () => {
    const plan = planSync({ local: [file('big.bin', 20_000), file('a.py', 100)], board: smallBoard, index, dest: '' });
    expect(plan.entries.find((e) => e.action === 'refuse')).toMatchObject({
      file: 'big.bin',
      summary: 'big.bin is 20000 bytes, more than the 10240 bytes free on the board.',
    });
    expect(plan.entries.find((e) => e.action === 'upload')).toMatchObject({ file: 'a.py' });
    expect(plan.blockers).toEqual([]);
  });

  test('files that each fit but together do not block the sync before it starts', () => {
    const plan = planSync({ local: [file('a.bin', 6_000), file('b.bin', 6_000)], board: smallBoard, index, dest: '' });
    expect(plan.blockers).toEqual([expect.stringMatching(/^not enough space on the board: the sync needs about 12288 bytes and 10240 are free; delete files/)]);
  });
});
