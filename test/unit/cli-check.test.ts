import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FILES_DIR, fixtureNames } from './mpy-fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function mpysync(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/mpysync.mjs', ...args], { cwd: ROOT, timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const file = (name: string) => join(FILES_DIR, name);

describe('mpysync check', () => {
  it('--board-mpy 4870 over the fixtures folder: JSON for every .mpy, exit 1', async () => {
    const { code, stdout } = await mpysync('check', '--board-mpy', '4870', '--json', FILES_DIR);
    expect(code).toBe(1);
    const results = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(results).toHaveLength(fixtureNames().length);
    for (const result of results) {
      expect(Object.keys(result)).toEqual(expect.arrayContaining(['file', 'loadable', 'firmwareError', 'summary', 'fix', 'header']));
      expect(typeof result.summary).toBe('string');
    }
    const byName = new Map(results.map((r) => [String(r.file).split('/').pop(), r]));
    expect(byName.get('fastmath.armv6m.v1.27.0.mpy')).toMatchObject({ loadable: true, firmwareError: null, fix: null });
    expect(byName.get('fastmath.armv7emsp.v1.27.0.mpy')).toMatchObject({ loadable: false, firmwareError: 'incompatible .mpy arch' });
    expect(byName.get('greet.bytecode.v1.18.mpy')).toMatchObject({ loadable: false, firmwareError: 'incompatible .mpy file' });
    expect(byName.get('fastmath.rv32imc-zba.v1.27.0.mpy')).toMatchObject({ header: { ok: true, archName: 'rv32imc', archFlags: 1, hex: '4d066f1f01' } });
    expect(String(byName.get('fastmath.armv6m.v1.27.0.mpy')!.file)).toBe(file('fastmath.armv6m.v1.27.0.mpy'));
  });

  it('exit 0 when every file loads; one line per file for people', async () => {
    const { code, stdout } = await mpysync('check', '--board-mpy', '0x1F06', file('fastmath.armv6m.v1.27.0.mpy'), file('greet.bytecode.v1.21.0.mpy'));
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(`✓ ${file('fastmath.armv6m.v1.27.0.mpy')}: loads`);
    expect(lines[1]).toBe(`✓ ${file('greet.bytecode.v1.21.0.mpy')}: loads`);
    expect(lines).toHaveLength(3);
  });

  it('a refused file gets ✗, the firmware error and the explanation on its line', async () => {
    const { code, stdout } = await mpysync('check', '--board-mpy', '11014', file('fastmath.armv6m.v1.27.0.mpy'));
    expect(code).toBe(1);
    expect(stdout).toContain(`✗ ${file('fastmath.armv6m.v1.27.0.mpy')}: incompatible .mpy arch — fastmath.armv6m.v1.27.0.mpy holds native armv6m code`);
  });

  it('--board-mpy none: nothing loads; --small-int-bits and --firmware are honoured', async () => {
    const none = await mpysync('check', '--board-mpy', 'none', '--firmware', '1.22.0', '--json', file('greet.bytecode.v1.27.0.mpy'));
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout)[0]).toMatchObject({ loadable: false, firmwareError: null });

    const dir = mkdtempSync(join(tmpdir(), 'mpysync-check-'));
    const wide = join(dir, 'wide.mpy');
    writeFileSync(wide, Buffer.from('4d06003f0801', 'hex'));
    expect((await mpysync('check', '--board-mpy', '2822', '--small-int-bits', '63', wide)).code).toBe(0);
    expect((await mpysync('check', '--board-mpy', '2822', wide)).code).toBe(1);

    const zba = file('fastmath.rv32imc-zba.v1.27.0.mpy');
    const old = await mpysync('check', '--board-mpy', '12038', '--firmware', '1.24.0', '--json', zba);
    expect(JSON.parse(old.stdout)[0].firmwareError).toBe('incompatible .mpy arch');
  });

  it('folders are walked recursively for .mpy only; a named non-.mpy file is still judged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpysync-check-'));
    mkdirSync(join(dir, 'lib', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'lib', 'deep', 'cp.mpy'), Buffer.from('4306001f00', 'hex'));
    writeFileSync(join(dir, 'lib', 'notes.txt'), 'ignored');
    const named = join(dir, 'lib', 'notes.txt');
    const { code, stdout } = await mpysync('check', '--board-mpy', '774', '--json', dir, named);
    expect(code).toBe(1);
    const results = JSON.parse(stdout) as Array<{ file: string; firmwareError: string; summary: string }>;
    expect(results.map((r) => r.file)).toEqual([join(dir, 'lib', 'deep', 'cp.mpy'), named]);
    expect(results[0]!.summary).toContain('CircuitPython');
    expect(results[1]!.firmwareError).toBe('incompatible .mpy file');
  });

  it.each([
    [['check', FILES_DIR], '--board-mpy is required'],
    [['check', '--board-mpy', 'six', FILES_DIR], "--board-mpy 'six'"],
    [['check', '--board-mpy', '774', '--small-int-bits', 'x', FILES_DIR], '--small-int-bits'],
    [['check', '--board-mpy', '774', '--firmware', 'latest', FILES_DIR], "--firmware 'latest'"],
    [['check', '--board-mpy', '774', 'no/such/path.mpy'], 'no/such/path.mpy: no such file or folder'],
  ])('usage error %j → exit 2 naming the problem', async (args, message) => {
    const { code, stderr } = await mpysync(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});

describe('mpysync inspect', () => {
  it('describes the header and the known boards that load it', async () => {
    const { code, stdout } = await mpysync('inspect', '--json', file('fastmath.armv7emsp.v1.27.0.mpy'));
    expect(code).toBe(0);
    const [report] = JSON.parse(stdout);
    expect(report.header).toMatchObject({ version: 6, subVersion: 3, archName: 'armv7emsp', smallIntBits: 31, nativeCode: true });
    expect(report.releases).toBe('1.23 and later');
    const loadsOn = report.loadsOn.map((b: { mpy: number }) => b.mpy);
    expect(loadsOn).toContain(7942);
    expect(loadsOn).toContain(8966);
    expect(loadsOn).not.toContain(4870);
    expect(report.refusedBy).toContainEqual(expect.objectContaining({ mpy: 4870, error: 'incompatible .mpy arch' }));
  });

  it('prints a readable summary, and exit 1 for a file that is not an .mpy', async () => {
    const ok = await mpysync('inspect', file('greet.bytecode.v1.18.mpy'));
    expect(ok.stdout).toContain('.mpy 5 (MicroPython 1.12–1.18)');
    expect(ok.stdout).toContain('bytecode only');
    expect(ok.stdout).toContain('ESP32 on MicroPython 1.18 [10757]');
    const dir = mkdtempSync(join(tmpdir(), 'mpysync-inspect-'));
    writeFileSync(join(dir, 'x.mpy'), 'print(1)');
    const bad = await mpysync('inspect', join(dir, 'x.mpy'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("not an .mpy file: starts with 'p' (0x70), not 'M'");
  });
});
