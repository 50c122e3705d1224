import { describe, expect, it } from 'vitest';
import { judgeMpy, refusalText, type BoardTarget } from '../../protocol/mpy/index.ts';
import { fixture, fixtureNames, observedWasm, patched } from './mpy-fixtures.ts';

const judge = (name: string, board: BoardTarget) => judgeMpy(name, fixture(name), board);
const RP2040 = { mpy: 4870 };
const RP2350 = { mpy: 7942 };
const ESP32 = { mpy: 11014 };
const ESP32_C3 = { mpy: 12038 };
const RP2350_RISCV = { mpy: 77574 };

describe('judgeMpy on the WebAssembly port (_mpy 774) matches what MicroPython 1.27 did', () => {
  it.each(observedWasm())('$file → $outcome', ({ file, outcome }) => {
    const verdict = judgeMpy(file, fixture(file.replace('files/', '')), { mpy: 774 });
    expect(verdict.loadable ? 'ok' : `ValueError: ${verdict.firmwareError}`).toBe(outcome);
    expect(verdict.inferred).toBe(false);
  });
});

describe('Thumb boards accept armv6m up to their own arch', () => {
  it('RP2350 (armv7emsp) loads armv6m and armv7emsp 6.3 files', () => {
    for (const name of [
      'fastmath.armv6m.v1.27.0.mpy',
      'fastmath.armv7emsp.v1.27.0.mpy',
      'greet.native-armv6m.v1.27.0.mpy',
      'greet.native-armv7emsp.v1.27.0.mpy',
    ]) {
      expect(judge(name, RP2350), name).toMatchObject({ loadable: true, firmwareError: null, fix: null });
    }
  });

  it('RP2040 (armv6m) refuses armv7emsp with "incompatible .mpy arch" and says what to compile instead', () => {
    const verdict = judge('fastmath.armv7emsp.v1.27.0.mpy', RP2040);
    expect(verdict).toMatchObject({ loadable: false, firmwareError: 'incompatible .mpy arch' });
    expect(verdict.fix).toContain('`mpy-cross -march=armv6m fastmath.armv7emsp.v1.27.0.py`');
    expect(judge('fastmath.armv6m.v1.27.0.mpy', RP2040).loadable).toBe(true);
  });

  it('STM32H7 (armv7emdp) accepts armv7emsp; RP2350 refuses x64 and xtensawin', () => {
    expect(judge('fastmath.armv7emsp.v1.27.0.mpy', { mpy: 8966 }).loadable).toBe(true);
    expect(judge('fastmath.x64.v1.27.0.mpy', RP2350).firmwareError).toBe('incompatible .mpy arch');
    expect(judge('fastmath.xtensawin.v1.27.0.mpy', RP2350).firmwareError).toBe('incompatible .mpy arch');
  });
});

describe('other boards need the exact arch', () => {
  it('ESP32 refuses armv6m with "incompatible .mpy arch" and loads xtensawin', () => {
    expect(judge('fastmath.armv6m.v1.27.0.mpy', ESP32)).toMatchObject({ loadable: false, firmwareError: 'incompatible .mpy arch' });
    expect(judge('fastmath.xtensawin.v1.27.0.mpy', ESP32).loadable).toBe(true);
  });

  it('every 6.x bytecode file loads on every 6.3 board; native files of older sub-versions never do', () => {
    for (const board of [RP2040, RP2350, ESP32, ESP32_C3, RP2350_RISCV, { mpy: 2822, smallIntBits: 63 }]) {
      for (const name of fixtureNames().filter((n) => /^(greet|shapes)\.bytecode\.v1\.(19|2)/.test(n))) {
        expect(judge(name, board).loadable, `${name} on ${board.mpy}`).toBe(true);
      }
      expect(judge('fastmath.xtensawin.v1.22.2.mpy', board).firmwareError).toBe('incompatible .mpy file');
    }
  });
});

describe('RV32 arch flags (1.27+)', () => {
  it('RP2350 RISC-V (77574, zba) loads the rv32imc+zba file and the plain rv32imc one', () => {
    expect(judge('fastmath.rv32imc-zba.v1.27.0.mpy', RP2350_RISCV)).toMatchObject({ loadable: true, firmwareError: null });
    expect(judge('fastmath.rv32imc.v1.27.0.mpy', RP2350_RISCV).loadable).toBe(true);
  });

  it('ESP32-C3 (12038, no extensions) refuses zba: the flags are not a subset', () => {
    const verdict = judge('fastmath.rv32imc-zba.v1.27.0.mpy', ESP32_C3);
    expect(verdict).toMatchObject({ loadable: false, firmwareError: 'incompatible .mpy file' });
    expect(verdict.summary).toContain('zba');
    expect(verdict.summary).toContain('subset');
    expect(judge('fastmath.rv32imc.v1.27.0.mpy', ESP32_C3).loadable).toBe(true);
  });

  it('firmware older than 1.27 does not mask bit 6: the arch reads as 27', () => {
    const verdict = judge('fastmath.rv32imc-zba.v1.27.0.mpy', { ...ESP32_C3, firmwareVersion: '1.24.0' });
    expect(verdict).toMatchObject({ loadable: false, firmwareError: 'incompatible .mpy arch' });
    expect(verdict.summary).toContain('27');
  });

  it('a board whose flags cover the file (zba+zcmp, 1.28) loads it; the fix for an RV32 board names -march-flags', () => {
    expect(judge('fastmath.rv32imc-zba.v1.27.0.mpy', { mpy: 208646 }).loadable).toBe(true);
    const verdict = judge('fastmath.xtensawin.v1.27.0.mpy', RP2350_RISCV);
    expect(verdict.firmwareError).toBe('incompatible .mpy arch');
    expect(verdict.fix).toContain('-march=rv32imc -march-flags=zba');
  });

  it('an arch-flags field on a non-RV32 board is "incompatible .mpy file" after the arch test passes', () => {
    const bytecodeWithFlags = patched(fixture('greet.bytecode.v1.27.0.mpy'), { 2: 0x40 });
    const withVuint = new Uint8Array([...bytecodeWithFlags.subarray(0, 4), 0x01, ...bytecodeWithFlags.subarray(4)]);
    expect(judgeMpy('greet.mpy', withVuint, ESP32).firmwareError).toBe('incompatible .mpy file');
    expect(judgeMpy('greet.mpy', withVuint, { mpy: 774 }).firmwareError).toBe('incompatible .mpy file');
  });
});

describe('small-int bits', () => {
  it('a file built for 63-bit small ints fails on a 31-bit board, loads on 64-bit unix', () => {
    const wide = patched(fixture('greet.bytecode.v1.27.0.mpy'), { 3: 63 });
    const verdict = judgeMpy('greet.mpy', wide, RP2040);
    expect(verdict).toMatchObject({ loadable: false, firmwareError: 'incompatible .mpy file' });
    expect(verdict.summary).toContain('63-bit');
    expect(judgeMpy('greet.mpy', wide, { mpy: 2822, smallIntBits: 63 }).loadable).toBe(true);
  });

  it('the small-int check comes before the arch check', () => {
    const wideArm = patched(fixture('fastmath.armv7emsp.v1.27.0.mpy'), { 3: 63 });
    expect(judgeMpy('fastmath.mpy', wideArm, RP2040).firmwareError).toBe('incompatible .mpy file');
  });
});

describe(".mpy 5 boards (1.12–1.18): the two flag bits must equal the board's", () => {
  it('0x0205 (bytecode, unicode) loads the 1.18 bytecode files, refuses their native ones by arch', () => {
    expect(judge('greet.bytecode.v1.18.mpy', { mpy: 0x0205 })).toMatchObject({ loadable: true });
    expect(judge('shapes.bytecode.v1.18.mpy', { mpy: 0x0205 })).toMatchObject({ loadable: true });
    expect(judge('greet.native-xtensawin.v1.18.mpy', { mpy: 0x0205 })).toMatchObject({ loadable: false, firmwareError: 'incompatible .mpy arch' });
  });

  it('0x0005 (no unicode) refuses a unicode file with "incompatible .mpy file" and suggests -mno-unicode', () => {
    const verdict = judge('greet.bytecode.v1.18.mpy', { mpy: 0x0005 });
    expect(verdict).toMatchObject({ loadable: false, firmwareError: 'incompatible .mpy file' });
    expect(verdict.summary).toContain('feature flags');
    expect(verdict.fix).toContain('-mno-unicode');
  });

  it('an ESP32 on 1.18 (0x2A05) loads xtensawin 1.18 code; a Thumb armv7emsp board accepts armv7emsp', () => {
    expect(judge('fastmath.xtensawin.v1.18.mpy', { mpy: 0x2a05 }).loadable).toBe(true);
    expect(judge('greet.native-armv7emsp.v1.18.mpy', { mpy: 0x1e05 }).loadable).toBe(true);
    expect(judge('greet.bytecode.v1.27.0.mpy', { mpy: 0x2a05 }).firmwareError).toBe('incompatible .mpy file');
  });
});

describe('.mpy 6.0 boards (1.19): the low two bits of byte 2 must be 0', () => {
  it('0x0006 loads 6.x bytecode with sub-version bits 0, refuses bits set even on bytecode', () => {
    expect(judge('greet.bytecode.v1.27.0.mpy', { mpy: 0x0006 }).loadable).toBe(true);
    const bits = patched(fixture('greet.bytecode.v1.27.0.mpy'), { 2: 0x02 });
    const verdict = judgeMpy('greet.mpy', bits, { mpy: 0x0006 });
    expect(verdict).toMatchObject({ loadable: false, firmwareError: 'incompatible .mpy file' });
    expect(verdict.summary).toContain('1.19');
    expect(judgeMpy('greet.mpy', bits, { mpy: 774 }).loadable).toBe(true);
  });

  it('1.19 says "incompatible .mpy arch" (not "native code … unsupported") for native code on a bytecode-only board', () => {
    expect(judge('fastmath.x64.v1.19.1.mpy', { mpy: 0x0006 }).firmwareError).toBe('incompatible .mpy arch');
    expect(judge('fastmath.x64.v1.19.1.mpy', { mpy: 0x0806 }).loadable).toBe(true);
  });
});

describe('explanations', () => {
  it('explains a stale native sub-version the way a student needs it', () => {
    const verdict = judgeMpy('fastmath.mpy', fixture('fastmath.armv7emsp.v1.21.0.mpy'), RP2350);
    expect(verdict.firmwareError).toBe('incompatible .mpy file');
    expect(verdict.fix).toBe('recompile with mpy-cross from MicroPython 1.23 or later: `mpy-cross -march=armv7emsp fastmath.py`, or ship fastmath.py.');
    expect(refusalText(verdict)).toBe(
      'fastmath.mpy holds native armv7emsp code built for .mpy 6.1 (MicroPython 1.20–1.21); this board runs .mpy 6.3 (MicroPython 1.23 and later). ' +
        'Native code must match the sub-version exactly (bytecode would have loaded). ' +
        'Fix: recompile with mpy-cross from MicroPython 1.23 or later: `mpy-cross -march=armv7emsp fastmath.py`, or ship fastmath.py.',
    );
    expect(verdict.fix).toBe('recompile with mpy-cross from MicroPython 1.23 or later: `mpy-cross -march=armv7emsp fastmath.py`, or ship fastmath.py.');
  });

  it('tells a board without a native emitter to drop the decorators', () => {
    const verdict = judgeMpy('lib/fastmath.mpy', fixture('fastmath.x64.v1.27.0.mpy'), { mpy: 774 });
    expect(verdict.summary).toContain('without a native code emitter');
    expect(verdict.fix).toContain('@micropython.native');
    expect(verdict.fix).toContain('fastmath.py');
  });
});

describe('files that are not .mpy', () => {
  it.each([
    [new Uint8Array(), 'empty file'],
    [new Uint8Array([0x4d, 0x06]), 'only 2 bytes, an .mpy header has 4'],
    [new Uint8Array([0x43, 0x06, 0x00, 0x1f, 0x00, 0x00]), "starts with 'C' (0x43): a CircuitPython .mpy"],
    [new TextEncoder().encode('print(1)\n'), "starts with 'p' (0x70), not 'M'"],
  ])('%j: "incompatible .mpy file", with the precise reason', (input, reason) => {
    const verdict = judgeMpy('x.mpy', input, ESP32);
    expect(verdict).toMatchObject({ loadable: false, firmwareError: 'incompatible .mpy file' });
    expect(verdict.summary).toContain(reason);
    expect(verdict.fix).toContain('x.py');
  });

  it('a header with nothing after it does not load (the loader would read past the end)', () => {
    const verdict = judgeMpy('x.mpy', new Uint8Array([0x4d, 0x06, 0x00, 0x1f]), ESP32);
    expect(verdict).toMatchObject({ loadable: false, firmwareError: null });
    expect(verdict.summary).toContain('cut off');
  });
});

describe('a board without _mpy', () => {
  it('firmware 1.12 or later: loads no .mpy at all, certainly', () => {
    const verdict = judge('greet.bytecode.v1.27.0.mpy', { mpy: null, firmwareVersion: '1.22.2' });
    expect(verdict).toMatchObject({ loadable: false, firmwareError: null, inferred: false });
    expect(verdict.summary).toContain('without .mpy import');
    expect(verdict.fix).toBe('ship greet.bytecode.v1.27.0.py.');
  });

  it('unknown firmware: loads no .mpy, as a guess', () => {
    expect(judge('greet.bytecode.v1.27.0.mpy', { mpy: null })).toMatchObject({ loadable: false, inferred: true });
  });

  it('micro:bit 1.9.2: an .mpy 2 file might load (inferred), anything else does not', () => {
    const v2 = new Uint8Array([0x4d, 0x02, 0x00, 0x1f, 0x00, 0x00]);
    const maybe = judgeMpy('old.mpy', v2, { mpy: null, firmwareVersion: '1.9.2' });
    expect(maybe).toMatchObject({ loadable: true, inferred: true });
    expect(maybe.fix).toBe('ship old.py.');
    expect(judge('greet.bytecode.v1.27.0.mpy', { mpy: null, firmwareVersion: '1.9.2' })).toMatchObject({
      loadable: false,
      firmwareError: 'incompatible .mpy file',
      inferred: true,
    });
  });

  it('1.9.3–1.10 → .mpy 3, 1.11 → .mpy 4', () => {
    const v3 = new Uint8Array([0x4d, 0x03, 0x00, 0x1f, 0x00]);
    expect(judgeMpy('a.mpy', v3, { mpy: null, firmwareVersion: '1.10' }).loadable).toBe(true);
    expect(judgeMpy('a.mpy', v3, { mpy: null, firmwareVersion: '1.11.0' }).loadable).toBe(false);
  });
});
