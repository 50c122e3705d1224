import { describe, expect, it } from 'vitest';
import { decodeBoardMpy, encodeBoardMpy, KNOWN_BOARDS, parseMpyValue, releasesForMpy } from '../../protocol/mpy/index.ts';

describe('decodeBoardMpy', () => {
  it.each([
    [774, { version: 6, subVersion: 3, arch: 0, archName: 'none', archFlags: 0, label: '6.3 (bytecode only)', releases: '1.23 and later' }],
    [11014, { version: 6, subVersion: 3, arch: 10, archName: 'xtensawin', archFlags: 0, label: '6.3 xtensawin' }],
    [4870, { arch: 4, archName: 'armv6m', label: '6.3 armv6m' }],
    [7942, { arch: 7, archName: 'armv7emsp' }],
    [2822, { arch: 2, archName: 'x64' }],
    [12038, { arch: 11, archName: 'rv32imc', archFlags: 0, label: '6.3 rv32imc' }],
    [77574, { arch: 11, archName: 'rv32imc', archFlags: 1, label: '6.3 rv32imc+zba' }],
    [208646, { arch: 11, archFlags: 3, label: '6.3 rv32imc+zba+zcmp' }],
    [0x0006, { version: 6, subVersion: 0, arch: 0, label: '6 (bytecode only)', releases: '1.19' }],
    [0x2a05, { version: 5, featureFlags: 2, arch: 10, archName: 'xtensawin', label: '5 xtensawin, unicode', releases: '1.12–1.18' }],
    [0x0205, { version: 5, featureFlags: 2, arch: 0, label: '5 (bytecode only), unicode' }],
  ])('%i', (raw, expected) => {
    expect(decodeBoardMpy(raw)).toMatchObject({ raw, ...expected });
  });

  it('never throws on nonsense', () => {
    expect(decodeBoardMpy(-1).version).toBe(0);
    expect(decodeBoardMpy(Number.NaN).raw).toBe(0);
  });

  it('round-trips with encodeBoardMpy, and the known boards are what spec §7 lists', () => {
    expect(encodeBoardMpy(6, 3, 11, 1)).toBe(77574);
    expect(encodeBoardMpy(6, 3, 10)).toBe(0x2b06);
    const byName = Object.fromEntries(KNOWN_BOARDS.map((b) => [b.name, b.mpy]));
    expect(byName['RP2040 (Raspberry Pi Pico)']).toBe(4870);
    expect(byName['RP2350 ARM (Raspberry Pi Pico 2)']).toBe(7942);
    expect(byName['ESP32 / ESP32-S2 / ESP32-S3']).toBe(11014);
  });
});

describe('releasesForMpy', () => {
  it.each([
    [6, 3, '1.23 and later'],
    [6, 2, '1.22'],
    [6, 1, '1.20–1.21'],
    [6, 0, '1.19'],
    [5, null, '1.12–1.18'],
    [4, null, '1.11'],
    [3, null, '1.9.3–1.10'],
    [2, null, '1.9–1.9.2'],
    [0, null, '1.5.1–1.8.7'],
  ])('.mpy %i.%s → %s', (version, sub, releases) => {
    expect(releasesForMpy(version, sub)).toBe(releases);
  });
});

describe('parseMpyValue', () => {
  it('reads decimal, hex and none, and refuses the rest', () => {
    expect(parseMpyValue('4870')).toBe(4870);
    expect(parseMpyValue('0x1F06')).toBe(7942);
    expect(parseMpyValue('none')).toBeNull();
    expect(parseMpyValue('6.3')).toBeUndefined();
    expect(parseMpyValue('')).toBeUndefined();
  });
});
