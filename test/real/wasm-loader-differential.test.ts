// The differential test that keeps the .mpy rules honest: the real MicroPython 1.27 loader (the
// WebAssembly port, in-process) imports every fixture, and judgeMpy must predict what happened.
import { loadMicroPython, type MicroPython } from '@micropython/micropython-webassembly-pyscript';
import { beforeAll, describe, expect, it } from 'vitest';
import { judgeMpy } from '../../protocol/mpy/index.ts';
import { fixture, fixtureNames, patched } from '../unit/mpy-fixtures.ts';

const WASM_MPY = 774;

let mp: MicroPython;
let output: string[] = [];
let moduleCounter = 0;

beforeAll(async () => {
  mp = await loadMicroPython({ stdout: (line) => output.push(String(line)), linebuffer: true });
  output = [];
  mp.runPython('import sys\nprint(sys.implementation._mpy)');
  expect(output, 'the WebAssembly port must report _mpy 774; the package version changed?').toEqual([String(WASM_MPY)]);
});

/** Writes `bytes` as a fresh module, imports it, and returns "ok" or repr() of the exception. */
function importOnWasm(bytes: Uint8Array): string {
  const name = `m_${moduleCounter++}`;
  mp.FS.writeFile(`/${name}.mpy`, bytes);
  output = [];
  mp.runPython(`
try:
    import ${name}
    print('ok')
except Exception as e:
    print(repr(e))
`);
  expect(output, `no answer from importing ${name}`).toHaveLength(1);
  return output[0]!;
}

function predicted(name: string, bytes: Uint8Array): string {
  const verdict = judgeMpy(name, bytes, { mpy: WASM_MPY });
  if (verdict.loadable) return 'ok';
  expect(verdict.firmwareError, `${name}: a refusal must carry the firmware's ValueError text`).not.toBeNull();
  return `ValueError('${verdict.firmwareError}',)`;
}

describe('real corpus files', () => {
  it.each(fixtureNames())('%s', (name) => {
    const bytes = fixture(name);
    expect(importOnWasm(bytes)).toBe(predicted(name, bytes));
  });
});

describe('synthesized headers', () => {
  const bytecode = fixture('greet.bytecode.v1.27.0.mpy');
  const native = fixture('greet.native-xtensawin.v1.27.0.mpy');
  const withFlagsField = (bytes: Uint8Array, feature: number, flags: number[]) =>
    new Uint8Array([bytes[0]!, bytes[1]!, feature, bytes[3]!, ...flags, ...bytes.subarray(4)]);

  const cases: Array<[string, Uint8Array]> = [
    ['empty file', new Uint8Array()],
    ['truncated to 1 byte', bytecode.subarray(0, 1)],
    ['truncated to 2 bytes', bytecode.subarray(0, 2)],
    ['truncated to 3 bytes', bytecode.subarray(0, 3)],
    ["CircuitPython 'C' magic", patched(bytecode, { 0: 0x43 })],
    ['text file', new TextEncoder().encode('print("hello")\n')],
    ['.mpy version 7', patched(bytecode, { 1: 7 })],
    ['.mpy version 5 header on 6 body', patched(bytecode, { 1: 5 })],
    ['small-int bits 63', patched(bytecode, { 3: 63 })],
    ['small-int bits 32', patched(bytecode, { 3: 32 })],
    ['small-int bits 30', patched(bytecode, { 3: 30 })],
    ['bytecode with sub-version bits 1', patched(bytecode, { 2: 0x01 })],
    ['bytecode with sub-version bits 2', patched(bytecode, { 2: 0x02 })],
    ['v6.0 bytecode (sub-version 0)', patched(bytecode, { 2: 0x00 })],
    ['native with sub-version 0', patched(native, { 2: 0x28 })],
    ['native with sub-version 3 and a bad small-int', patched(native, { 3: 63 })],
    ['bit-6 flags on bytecode, flags 1', withFlagsField(bytecode, 0x40, [0x01])],
    ['bit-6 flags on bytecode, flags 0', withFlagsField(bytecode, 0x40, [0x00])],
    ['bit-6 flags on rv32imc 6.3 (zba)', withFlagsField(bytecode, 0x6f, [0x01])],
    ['bit 7: arch 32, sub-version 3', patched(bytecode, { 2: 0x83 })],
    ['bit 7: arch 32, sub-version 0', patched(bytecode, { 2: 0x80 })],
    ['unknown arch 13, sub-version 3', patched(bytecode, { 2: (13 << 2) | 3 })],
  ];

  it.each(cases)('%s', (label, bytes) => {
    expect(importOnWasm(bytes), label).toBe(predicted(`${label}.mpy`, bytes));
  });
});
