import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMpyHeader, readVuint } from '../../protocol/mpy/index.ts';
import { fixture, fixtureNames, observedWasm } from './mpy-fixtures.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('parseMpyHeader: not an .mpy', () => {
  it.each([
    [bytes(), 'empty file'],
    [bytes(0x4d), 'only 1 byte, an .mpy header has 4'],
    [bytes(0x4d, 0x06), 'only 2 bytes, an .mpy header has 4'],
    [bytes(0x4d, 0x06, 0x00), 'only 3 bytes, an .mpy header has 4'],
    [bytes(0x43, 0x06, 0x00, 0x1f, 0x00), "starts with 'C' (0x43): a CircuitPython .mpy"],
    [bytes(0x7f, 0x45, 0x4c, 0x46), "starts with 0x7f, not 'M'"],
    [new TextEncoder().encode('import os\n'), "starts with 'i' (0x69), not 'M'"],
    [new TextEncoder().encode('MIT License'), "starts with 'M' but its version byte is 'I' (0x49), not a known .mpy version (0–6)"],
    [bytes(0x4d, 0x06, 0x6f, 0x1f), 'the arch-flags field after the 4-byte header is cut off'],
    [bytes(0x4d, 0x06, 0x6f, 0x1f, 0x81), 'the arch-flags field after the 4-byte header is cut off'],
    [bytes(0x4d, 0x05, 0x02, 0x1f), 'the qstr-window size after the 4-byte header is missing (the file is cut off)'],
  ])('%j → %s', (input, reason) => {
    expect(parseMpyHeader(input)).toEqual({ ok: false, reason });
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (input) => {
        const result = parseMpyHeader(input);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});

describe('parseMpyHeader: real files', () => {
  it('agrees with the header bytes recorded for every corpus file', () => {
    for (const { file, header_hex } of observedWasm()) {
      const header = parseMpyHeader(fixture(file.replace('files/', '')));
      expect(header.ok, file).toBe(true);
      if (header.ok) expect(Buffer.from(header.bytes.subarray(0, 4)).toString('hex'), file).toBe(header_hex);
    }
    expect(fixtureNames().length).toBe(observedWasm().length);
  });

  it('reads a 1.27 native armv7emsp file: 6.3, arch 7, no flags', () => {
    expect(parseMpyHeader(fixture('fastmath.armv7emsp.v1.27.0.mpy'))).toMatchObject({
      ok: true,
      version: 6,
      subVersion: 3,
      featureFlags: null,
      arch: 7,
      archName: 'armv7emsp',
      archFlags: 0,
      hasArchFlagsField: false,
      smallIntBits: 31,
      nativeCode: true,
      hasBody: true,
    });
  });

  it('reads the arch-flags vuint of an rv32imc+zba file (bit 6 masked out of the arch)', () => {
    const header = parseMpyHeader(fixture('fastmath.rv32imc-zba.v1.27.0.mpy'));
    expect(header).toMatchObject({ ok: true, subVersion: 3, arch: 11, archName: 'rv32imc', archFlags: 1, hasArchFlagsField: true });
    if (header.ok) expect(Array.from(header.bytes)).toEqual([0x4d, 0x06, 0x6f, 0x1f, 0x01]);
  });

  it('reads .mpy 5 feature flags and the qstr window instead of a sub-version', () => {
    expect(parseMpyHeader(fixture('greet.bytecode.v1.18.mpy'))).toMatchObject({
      ok: true,
      version: 5,
      subVersion: null,
      featureFlags: 2,
      arch: 0,
      archName: 'none',
      nativeCode: false,
      qstrWindow: 32,
    });
    expect(parseMpyHeader(fixture('fastmath.xtensawin.v1.18.mpy'))).toMatchObject({ version: 5, featureFlags: 2, arch: 10, archName: 'xtensawin' });
  });

  it('sees that a "bytecode" 1.19 file with @micropython.native is really x64 native code', () => {
    expect(parseMpyHeader(fixture('fastmath.bytecode.v1.19.1.mpy'))).toMatchObject({ version: 6, subVersion: 0, arch: 2, archName: 'x64', nativeCode: true });
  });

  it('keeps bit 7 of byte 2 in the arch (+32), as the 0x2F mask does', () => {
    expect(parseMpyHeader(bytes(0x4d, 0x06, 0x83, 0x1f, 0x00))).toMatchObject({ ok: true, arch: 32, archName: 'unknown(32)', subVersion: 3 });
  });

  it('reads old formats: .mpy 3 has a whole feature byte and no arch', () => {
    expect(parseMpyHeader(bytes(0x4d, 0x03, 0x02, 0x1f, 0x00))).toMatchObject({ ok: true, version: 3, featureFlags: 2, arch: 0, subVersion: null });
  });

  it('notices a header with nothing after it', () => {
    expect(parseMpyHeader(bytes(0x4d, 0x06, 0x00, 0x1f))).toMatchObject({ ok: true, hasBody: false });
  });
});

describe('readVuint', () => {
  it('reads big-endian 7-bit groups', () => {
    expect(readVuint(bytes(0x20), 0)).toEqual({ value: 32, length: 1 });
    expect(readVuint(bytes(0x00, 0x81, 0x00), 1)).toEqual({ value: 128, length: 2 });
    expect(readVuint(bytes(0x81), 0)).toBeNull();
  });
});
