import { describe, expect, it } from 'vitest';
import { hostCompiler } from '../../device/host-compiler.ts';
import { safeName } from '../../device/mpy-cross.ts';

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
