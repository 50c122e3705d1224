import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFolder, diskOutcomeStore } from '../../device/host-cache.ts';
import { hostCompiler, loadNodeMpyCross } from '../../device/host-compiler.ts';
import { mpyCrossCompiler, safeName } from '../../device/mpy-cross.ts';

describe("MicroPython's compiler on the host (mpy-cross 1.19 in WebAssembly)", () => {
  it('judges a source whatever its name: one that reads like an option, one in a folder, one with quotes', async () => {
    expect(safeName('lib/-rf.py')).toBe('m_-rf.py');
    expect(safeName("sub dir/it's.py")).toBe('m_it_s.py');
    for (const name of ['-rf.py', 'lib/-o.py', "sub dir/it's here.py", 'café 🐍.py']) {
      const started = performance.now();
      const outcome = await hostCompiler.compile(name, 'def oops(:\n    pass\n', null);
      expect(outcome.ok, name).toBe(false);
      expect(outcome.err.join('\n'), name).toMatch(/line 1[\s\S]*SyntaxError: invalid syntax/);
      // A name taken for an option never answers: it would hit the 5 s deadline.
      expect(performance.now() - started, name).toBeLessThan(2000);
    }
  });

  it('compiles a good source to .mpy 6 bytecode, and leaves no process listener behind', async () => {
    const before = process.listenerCount('uncaughtException') + process.listenerCount('unhandledRejection');
    const outcome = await hostCompiler.compile('good.py', 'def add(a, b):\n    return a + b\n', null);
    expect(outcome.ok).toBe(true);
    expect([...outcome.mpy!.subarray(0, 2)]).toEqual([0x4d, 6]);
    expect(process.listenerCount('uncaughtException') + process.listenerCount('unhandledRejection')).toBe(before);
  });
});

describe('the compile cache on disk', () => {
  const good = 'def add(a, b):\n    return a + b\n';

  it('a second compiler (a second run of mpysync) reuses the verdicts without loading mpy-cross; a new compiler build does not', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mpysync-cache-'));
    let loads = 0;
    const load = async () => {
      loads++;
      return loadNodeMpyCross();
    };
    const first = mpyCrossCompiler(load, { identity: 'build-1', store: diskOutcomeStore(folder) });
    const compiled = await first.compile('lib/add.py', good, null);
    const broken = await first.compile('bad.py', 'def oops(:\n', null);
    expect(loads).toBe(1);

    const second = mpyCrossCompiler(load, { identity: 'build-1', store: diskOutcomeStore(folder) });
    expect(await second.compile('lib/add.py', good, null)).toEqual(compiled);
    expect(await second.compile('bad.py', 'def oops(:\n', null)).toEqual(broken);
    expect(loads).toBe(1);

    const newer = mpyCrossCompiler(load, { identity: 'build-2', store: diskOutcomeStore(folder) });
    await newer.compile('lib/add.py', good, null);
    expect(loads).toBe(2);
    rmSync(folder, { recursive: true, force: true });
  });

  it('a damaged entry is compiled again, and a cache that cannot be written is no error', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mpysync-cache-'));
    const store = diskOutcomeStore(folder);
    await store.set('ab12', { ok: true, err: [], mpy: new Uint8Array([0x4d, 6]) });
    expect(await store.get('ab12')).toEqual({ ok: true, err: [], mpy: new Uint8Array([0x4d, 6]) });
    writeFileSync(join(folder, 'ab', 'ab12.json'), '{"ok": tru');
    expect(await store.get('ab12')).toBeUndefined();
    const blocked = join(folder, 'a-file');
    writeFileSync(blocked, '');
    await expect(diskOutcomeStore(join(blocked, 'below')).set('cd34', { ok: false, err: ['x'] })).resolves.toBeUndefined();
    rmSync(folder, { recursive: true, force: true });
  });

  it('lives in $MPYSYNC_CACHE_DIR, else $XDG_CACHE_HOME/mpysync, else ~/.cache/mpysync', () => {
    expect(cacheFolder({ MPYSYNC_CACHE_DIR: '/x' })).toBe('/x');
    expect(cacheFolder({ XDG_CACHE_HOME: '/c' })).toBe('/c/mpysync');
    expect(cacheFolder({})).toBe(join(homedir(), '.cache', 'mpysync'));
  });
});
