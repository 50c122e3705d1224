/**
 * Names the board behind a USB serial port from its vendor and product IDs, so `mpysync ports`
 * can say "Raspberry Pi Pico" and `--port auto` can skip a Bluetooth port or a debug probe.
 * Sources: micropython-protocol.md §8 (MicroPython's own IDs, bridge chips from the Linux driver
 * tables).
 */

export type UsbDeviceKind = 'micropython-native' | 'usb-serial-bridge' | 'unknown';

export interface UsbIdentity {
  /** What a user would call it, or null when the IDs mean nothing to us. */
  board: string | null;
  /** `micropython-native`: the MCU's own USB, run by MicroPython. `usb-serial-bridge`: a chip in
   *  front of the MCU's UART (DTR/RTS may reset the board). */
  kind: UsbDeviceKind;
  /** Worth picking for `--port auto`: MicroPython's own IDs, and the bridges dev boards carry. */
  likelyMicroPython: boolean;
}

interface UsbIdRule {
  vid: number;
  /** Inclusive product ID range; absent = any product of this vendor. */
  pids?: readonly [number, number];
  board: string;
  kind: Exclude<UsbDeviceKind, 'unknown'>;
  likelyMicroPython: boolean;
}

const NATIVE = 'micropython-native' as const;
const BRIDGE = 'usb-serial-bridge' as const;

const one = (pid: number): readonly [number, number] => [pid, pid];

/** First match wins, so specific products come before their vendor's catch-all. */
const RULES: readonly UsbIdRule[] = [
  // Raspberry Pi
  { vid: 0x2e8a, pids: one(0x0005), board: 'Raspberry Pi Pico / RP2 board (rp2)', kind: NATIVE, likelyMicroPython: true },
  { vid: 0x2e8a, pids: one(0x000a), board: 'Raspberry Pi Pico running a C SDK program (not MicroPython)', kind: NATIVE, likelyMicroPython: false },
  { vid: 0x2e8a, pids: one(0x000c), board: 'Raspberry Pi Debug Probe (UART bridge)', kind: BRIDGE, likelyMicroPython: false },
  { vid: 0x2e8a, board: 'Raspberry Pi RP2 board (rp2)', kind: NATIVE, likelyMicroPython: true },
  // Espressif
  { vid: 0x303a, pids: [0x4000, 0x400f], board: 'ESP32-S2/S3 native USB (esp32, TinyUSB)', kind: NATIVE, likelyMicroPython: true },
  { vid: 0x303a, pids: one(0x1001), board: 'ESP32-C3/C6/S3 built-in USB-Serial/JTAG (esp32)', kind: BRIDGE, likelyMicroPython: true },
  { vid: 0x303a, pids: [0x8000, 0x82ff], board: 'Unexpected Maker ESP32-S2/S3 board (esp32)', kind: NATIVE, likelyMicroPython: true },
  { vid: 0x303a, board: 'Espressif ESP32 board (esp32)', kind: NATIVE, likelyMicroPython: true },
  // MicroPython's own VID (pyboard, stm32, samd, nrf, mimxrt, renesas-ra)
  { vid: 0xf055, pids: one(0x9800), board: 'pyboard / stm32 or renesas-ra MicroPython board', kind: NATIVE, likelyMicroPython: true },
  { vid: 0xf055, pids: one(0x9802), board: 'MicroPython board (samd, nrf, mimxrt or stm32)', kind: NATIVE, likelyMicroPython: true },
  { vid: 0xf055, pids: [0x9800, 0x98ff], board: 'MicroPython board (stm32 family)', kind: NATIVE, likelyMicroPython: true },
  // Board makers whose VIDs MicroPython firmwares use
  { vid: 0x239a, board: 'Adafruit board', kind: NATIVE, likelyMicroPython: true },
  { vid: 0x2341, board: 'Arduino board', kind: NATIVE, likelyMicroPython: true },
  { vid: 0x1ffb, board: 'Pololu RP2040 robot (rp2)', kind: NATIVE, likelyMicroPython: true },
  { vid: 0x0d28, pids: one(0x0204), board: 'BBC micro:bit (DAPLink serial)', kind: BRIDGE, likelyMicroPython: true },
  // USB-serial bridge chips on ESP32 / ESP8266 dev boards
  { vid: 0x10c4, pids: one(0xea60), board: 'CP210x USB-serial bridge (ESP32/ESP8266 dev board)', kind: BRIDGE, likelyMicroPython: true },
  { vid: 0x10c4, board: 'Silicon Labs USB-serial bridge', kind: BRIDGE, likelyMicroPython: true },
  { vid: 0x1a86, pids: [0x7522, 0x7523], board: 'CH340 USB-serial bridge (ESP32/ESP8266 dev board)', kind: BRIDGE, likelyMicroPython: true },
  { vid: 0x1a86, pids: one(0x55d4), board: 'CH9102 USB-serial bridge (ESP32 dev board)', kind: BRIDGE, likelyMicroPython: true },
  { vid: 0x1a86, pids: one(0x55d3), board: 'CH343 USB-serial bridge (ESP32 dev board)', kind: BRIDGE, likelyMicroPython: true },
  { vid: 0x1a86, board: 'WCH USB-serial bridge', kind: BRIDGE, likelyMicroPython: true },
  { vid: 0x4348, pids: one(0x5523), board: 'CH340 USB-serial bridge (old ID)', kind: BRIDGE, likelyMicroPython: true },
  { vid: 0x0403, pids: [0x6000, 0x60ff], board: 'FTDI USB-serial bridge', kind: BRIDGE, likelyMicroPython: true },
];

const UNKNOWN: UsbIdentity = { board: null, kind: 'unknown', likelyMicroPython: false };

/** Ports without USB IDs (built-in UARTs, Bluetooth, ptys) are `unknown` and never likely. */
export function identifyUsbDevice(vid: number | undefined, pid: number | undefined): UsbIdentity {
  if (vid === undefined) return UNKNOWN;
  for (const rule of RULES) {
    if (rule.vid !== vid) continue;
    if (rule.pids) {
      if (pid === undefined || pid < rule.pids[0] || pid > rule.pids[1]) continue;
    }
    return { board: rule.board, kind: rule.kind, likelyMicroPython: rule.likelyMicroPython };
  }
  return UNKNOWN;
}

/** `2e8a:0005` — 4-digit lowercase hex, the way `lsusb` and mpremote print IDs. */
export function formatUsbId(vid: number | undefined, pid: number | undefined): string {
  if (vid === undefined) return '';
  const hex = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');
  return `${hex(vid)}:${hex(pid)}`;
}
