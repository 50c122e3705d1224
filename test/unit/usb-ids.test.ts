import { describe, expect, it } from 'vitest';
import { formatUsbId, identifyUsbDevice } from '../../protocol/usb-ids.ts';

describe('identifyUsbDevice', () => {
  // [vid, pid, kind, likelyMicroPython, a word the board name must contain]
  const table: Array<[number, number, string, boolean, string]> = [
    [0x2e8a, 0x0005, 'micropython-native', true, 'Pico'],
    [0x2e8a, 0x1020, 'micropython-native', true, 'RP2'],
    [0x2e8a, 0x000c, 'usb-serial-bridge', false, 'Debug Probe'],
    [0x2e8a, 0x000a, 'micropython-native', false, 'not MicroPython'],
    [0x303a, 0x4001, 'micropython-native', true, 'TinyUSB'],
    [0x303a, 0x4003, 'micropython-native', true, 'TinyUSB'],
    [0x303a, 0x1001, 'usb-serial-bridge', true, 'USB-Serial/JTAG'],
    [0x303a, 0x8166, 'micropython-native', true, 'Unexpected Maker'],
    [0xf055, 0x9800, 'micropython-native', true, 'pyboard'],
    [0xf055, 0x9802, 'micropython-native', true, 'samd'],
    [0xf055, 0x9806, 'micropython-native', true, 'stm32'],
    [0x10c4, 0xea60, 'usb-serial-bridge', true, 'CP210x'],
    [0x1a86, 0x7523, 'usb-serial-bridge', true, 'CH340'],
    [0x1a86, 0x7522, 'usb-serial-bridge', true, 'CH340'],
    [0x1a86, 0x55d4, 'usb-serial-bridge', true, 'CH9102'],
    [0x1a86, 0x55d3, 'usb-serial-bridge', true, 'CH343'],
    [0x0403, 0x6001, 'usb-serial-bridge', true, 'FTDI'],
    [0x0403, 0x6015, 'usb-serial-bridge', true, 'FTDI'],
    [0x239a, 0x80f4, 'micropython-native', true, 'Adafruit'],
    [0x2341, 0x025e, 'micropython-native', true, 'Arduino'],
    [0x0d28, 0x0204, 'usb-serial-bridge', true, 'micro:bit'],
  ];
  const named = table.map(([vid, pid, kind, likely, word]) => [formatUsbId(vid, pid), kind, likely, word, vid, pid] as const);
  it.each(named)('%s is %s, likely MicroPython: %s, named "%s"', (_id, kind, likely, word, vid, pid) => {
    const identity = identifyUsbDevice(vid, pid);
    expect(identity.kind).toBe(kind);
    expect(identity.likelyMicroPython).toBe(likely);
    expect(identity.board).toContain(word);
  });

  it('knows nothing about ports without USB IDs (built-in UARTs, Bluetooth, ptys)', () => {
    expect(identifyUsbDevice(undefined, undefined)).toEqual({ board: null, kind: 'unknown', likelyMicroPython: false });
    expect(identifyUsbDevice(undefined, 0x0005)).toEqual({ board: null, kind: 'unknown', likelyMicroPython: false });
  });

  it('does not guess for an unknown vendor, or an FTDI product outside 60xx', () => {
    expect(identifyUsbDevice(0x046d, 0xc52b).kind).toBe('unknown');
    expect(identifyUsbDevice(0x0403, 0x7000).likelyMicroPython).toBe(false);
    expect(identifyUsbDevice(0xf055, 0x1234).board).toBeNull();
  });

  it('a vendor rule with a product range needs a product ID', () => {
    expect(identifyUsbDevice(0x10c4, undefined).board).toContain('Silicon Labs');
    expect(identifyUsbDevice(0x0403, undefined).kind).toBe('unknown');
  });
});

describe('formatUsbId', () => {
  it('prints 4-digit lowercase hex, empty when there is no vendor', () => {
    expect(formatUsbId(0x2e8a, 0x5)).toBe('2e8a:0005');
    expect(formatUsbId(0x10c4, undefined)).toBe('10c4:0000');
    expect(formatUsbId(undefined, undefined)).toBe('');
  });
});
