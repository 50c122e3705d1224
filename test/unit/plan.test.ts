import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boardHash } from '../../protocol/board-hash.ts';
import { planSync, type LocalFile, type PlanEntry, type RemoteIndex } from '../../protocol/plan/plan.ts';
import { fakeProbe } from '../helpers/probes.ts';

const corpus = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/mpy-corpus/files/${name}`, import.meta.url)));
const text = (s: string) => new TextEncoder().encode(s);
const emptyIndex: RemoteIndex = { algo: 'sha256', files: [], dirs: [] };
const byFile = (entries: PlanEntry[]) => new Map(entries.map((e) => [e.action === 'delete' ? e.remote : e.file, e]));

const project: LocalFile[] = [
  { relative: 'main.py', bytes: text('import greet\n') },
  { relative: 'lib/greet.mpy', bytes: corpus('greet.bytecode.v1.27.0.mpy') },
  { relative: 'lib/fastmath.mpy', bytes: corpus('fastmath.armv7emsp.v1.21.0.mpy') },
  { relative: 'lib/fastmath.py', bytes: text('def dot(a, b):\n    return sum(x * y for x, y in zip(a, b))\n') },
  { relative: 'lib/native.mpy', bytes: corpus('greet.native-xtensawin.v1.27.0.mpy') },
];

describe('planSync', () => {
  it('uploads what loads, substitutes the .py for an .mpy the board rejects, refuses the rest with the loader error', () => {
    const plan = planSync({ local: project, board: fakeProbe(4870), index: emptyIndex, dest: '' });
    const e = byFile(plan.entries);
    expect(e.get('main.py')?.action).toBe('upload');
    expect(e.get('lib/greet.mpy')?.action).toBe('upload');
    expect(e.get('lib/fastmath.py')?.action).toBe('upload');
    expect(e.get('lib/fastmath.mpy')).toBeUndefined();
    expect(plan.substitutions).toEqual([
      expect.objectContaining({ file: 'lib/fastmath.mpy', instead: 'lib/fastmath.py', firmwareError: 'incompatible .mpy file' }),
    ]);
    const native = e.get('lib/native.mpy');
    expect(native).toMatchObject({ action: 'refuse', firmwareError: 'incompatible .mpy arch' });
    expect(native?.action === 'refuse' && native.summary).toMatch(/xtensawin/);
    expect(plan.mkdirs).toEqual(['lib']);
    expect(plan.blockers).toEqual([]);
  });

  it('skips files whose size and fingerprint match the board, uploads changed ones', () => {
    const index: RemoteIndex = {
      algo: 'sha256',
      files: [
        { path: '/main.py', size: project[0]!.bytes.length, fingerprint: boardHash(project[0]!.bytes, 'sha256') },
        { path: '/lib/greet.mpy', size: project[1]!.bytes.length, fingerprint: 'deadbeef' },
      ],
      dirs: ['/lib'],
    };
    const plan = planSync({ local: project.slice(0, 2), board: fakeProbe(4870), index, dest: '/' });
    const e = byFile(plan.entries);
    expect(e.get('main.py')).toMatchObject({ action: 'skip', remote: '/main.py' });
    expect(e.get('lib/greet.mpy')).toMatchObject({ action: 'upload', reason: 'changed' });
    expect(plan.mkdirs).toEqual([]);
    expect(plan.uploadBytes).toBe(project[1]!.bytes.length);
  });

  it('removes a .py on the board that would shadow the .mpy being sent, and leftovers of interrupted transfers', () => {
    const index: RemoteIndex = {
      algo: 'sha256',
      files: [
        { path: 'lib/greet.py', size: 10, fingerprint: null },
        { path: 'lib/x.py~mps', size: 3, fingerprint: null },
      ],
      dirs: ['lib'],
    };
    const plan = planSync({ local: project.slice(1, 2), board: fakeProbe(4870), index, dest: '' });
    const e = byFile(plan.entries);
    expect(e.get('lib/greet.py')).toMatchObject({ action: 'delete' });
    expect(e.get('lib/greet.py')?.action === 'delete' && e.get('lib/greet.py')).toMatchObject({
      reason: expect.stringMatching(/imports greet\.py before greet\.mpy/),
    });
    expect(e.get('lib/x.py~mps')).toMatchObject({ action: 'delete' });
  });

  it('with --delete removes board files under the destination that are not in the source, and nothing else', () => {
    const index: RemoteIndex = {
      algo: 'sha256',
      files: [
        { path: '/app/old.py', size: 5, fingerprint: null },
        { path: '/app/main.py', size: 1, fingerprint: null },
      ],
      dirs: ['/app'],
    };
    const keep = planSync({ local: project.slice(0, 1), board: fakeProbe(4870), index, dest: '/app' });
    expect(keep.entries.some((e) => e.action === 'delete')).toBe(false);
    const del = planSync({ local: project.slice(0, 1), board: fakeProbe(4870), index, dest: '/app', deleteExtraneous: true });
    expect(del.entries.filter((e) => e.action === 'delete').map((e) => e.action === 'delete' && e.remote)).toEqual(['/app/old.py']);
  });

  it('sends only .py sources to a board without .mpy support, and explains', () => {
    const plan = planSync({
      local: project
        .filter((f) => !f.relative.includes('/'))
        .concat([
          { relative: 'greet.mpy', bytes: corpus('greet.bytecode.v1.27.0.mpy') },
          { relative: 'greet.py', bytes: text('x=1\n') },
        ]),
      board: fakeProbe(null),
      index: emptyIndex,
      dest: '',
    });
    const e = byFile(plan.entries);
    expect(e.get('greet.py')?.action).toBe('upload');
    expect(plan.substitutions[0]).toMatchObject({ file: 'greet.mpy', instead: 'greet.py' });
    expect(plan.substitutions[0]!.summary).toMatch(/\.mpy/);
  });

  it('refuses files in folders on a flat file system', () => {
    const plan = planSync({ local: project.slice(0, 2), board: fakeProbe(null), index: emptyIndex, dest: '' });
    expect(byFile(plan.entries).get('lib/greet.mpy')).toMatchObject({ action: 'refuse', summary: expect.stringMatching(/no folders/) });
  });

  it('refuses a file bigger than the free space and blocks a sync that would not fit, before any byte is sent', () => {
    const big: LocalFile = { relative: 'big.bin', bytes: new Uint8Array(50_000) };
    const small: LocalFile = { relative: 'small.py', bytes: new Uint8Array(30_000).fill(65) };
    const board = fakeProbe(4870, { fs: { cwd: '/', total: 100_000, free: 40_000, blockSize: 512, dirs: true, rename: true, stat: true } });
    const plan = planSync({ local: [big, small], board, index: emptyIndex, dest: '' });
    expect(byFile(plan.entries).get('big.bin')).toMatchObject({ action: 'refuse', summary: expect.stringMatching(/more than the 40000 bytes free/) });
    expect(plan.blockers).toEqual([]);
    const tight = planSync({ local: [small, { relative: 'more.py', bytes: new Uint8Array(20_000).fill(65) }], board, index: emptyIndex, dest: '' });
    expect(tight.blockers[0]).toMatch(/not enough space/);
  });

  it('refuses names with control characters and .py files that are not UTF-8', () => {
    const plan = planSync({
      local: [
        { relative: 'a\nb.py', bytes: text('x') },
        { relative: 'latin.py', bytes: Uint8Array.from([0x23, 0xe9, 0x0a]) },
      ],
      board: fakeProbe(4870),
      index: emptyIndex,
      dest: '',
    });
    const e = byFile(plan.entries);
    expect(e.get('a\nb.py')).toMatchObject({ action: 'refuse', summary: expect.stringMatching(/control character/) });
    expect(e.get('latin.py')).toMatchObject({ action: 'refuse', summary: expect.stringMatching(/not UTF-8/) });
  });
});

describe('a destination folder on a flat file system', () => {
  it('is refused in the plan, before anything is sent; the top of the board is fine', () => {
    const flat = fakeProbe(null);
    const file = { relative: 'main.py', bytes: new TextEncoder().encode('print(1)\n') };
    const index = { algo: 'adler32' as const, files: [], dirs: [] };
    expect(planSync({ local: [file], board: flat, index, dest: '/lib' }).blockers).toEqual([
      expect.stringMatching(/^this board's file system has no folders \(MicroPython 1\.9\.2 on microbit\), so --dest \/lib cannot be made/),
    ]);
    expect(planSync({ local: [file], board: flat, index, dest: '' }).blockers).toEqual([]);
    expect(planSync({ local: [file], board: fakeProbe(4870), index, dest: '/lib' }).blockers).toEqual([]);
  });
});

describe('free space the board does not report', () => {
  it('puts the smallest uploads first and says why; a board that reports its space keeps the order', () => {
    const index = { algo: 'adler32' as const, files: [], dirs: [] };
    const files = [100, 10, 50].map((n, i) => ({ relative: `f${i}.py`, bytes: new Uint8Array(n).fill(0x41) }));
    const unknown = fakeProbe(4870, { fs: { ...fakeProbe(4870).fs, free: null } });
    const plan = planSync({ local: files, board: unknown, index, dest: '' });
    expect(plan.entries.map((e) => (e.action === 'delete' ? e.remote : e.file))).toEqual(['f1.py', 'f2.py', 'f0.py']);
    expect(plan.notes).toEqual([expect.stringMatching(/^this board does not say how much space is free/)]);
    const known = planSync({ local: files, board: fakeProbe(4870), index, dest: '' });
    expect(known.entries.map((e) => (e.action === 'delete' ? e.remote : e.file))).toEqual(['f0.py', 'f1.py', 'f2.py']);
    expect(known.notes).toEqual([]);
  });
});

describe('--delete and folders', () => {
  it('removes the folders it empties (deepest first), keeps one that still holds a file or gets one, and the destination itself', () => {
    const index: RemoteIndex = {
      algo: 'adler32',
      files: [
        { path: '/app/old/a.py', size: 1, fingerprint: null },
        { path: '/app/old/sub/b.py', size: 1, fingerprint: null },
        { path: '/app/lib/x.py', size: 1, fingerprint: null },
      ],
      dirs: ['/app/old', '/app/old/sub', '/app/lib', '/app/empty'],
    };
    const local = [{ relative: 'lib/y.py', bytes: new Uint8Array([0x41]) }];
    const plan = planSync({ local, board: fakeProbe(4870), index, dest: '/app', deleteExtraneous: true });
    expect(plan.rmdirs).toEqual(['/app/old/sub', '/app/empty', '/app/old']);
    const without = planSync({ local, board: fakeProbe(4870), index, dest: '/app' });
    expect(without.rmdirs).toEqual([]);
  });
});
