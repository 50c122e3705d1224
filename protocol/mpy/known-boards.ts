/**
 * `_mpy` values of real boards (spec §7; derived from each port's emitter settings, x64 observed).
 * `firmware` is the release the value belongs to: it picks the loader generation.
 */
export const KNOWN_BOARDS: Array<{ name: string; mpy: number; firmware: string; smallIntBits?: number }> = [
  { name: 'ESP32 / ESP32-S2 / ESP32-S3', mpy: 11014, firmware: '1.27.0' },
  { name: 'ESP32-C3 / ESP32-C6', mpy: 12038, firmware: '1.27.0' },
  { name: 'ESP32-P4', mpy: 143110, firmware: '1.28.0' },
  { name: 'ESP8266', mpy: 9990, firmware: '1.27.0' },
  { name: 'RP2040 (Raspberry Pi Pico)', mpy: 4870, firmware: '1.27.0' },
  { name: 'RP2350 ARM (Raspberry Pi Pico 2)', mpy: 7942, firmware: '1.27.0' },
  { name: 'RP2350 RISC-V (Raspberry Pi Pico 2)', mpy: 77574, firmware: '1.27.0' },
  { name: 'Pyboard v1.x (STM32F405)', mpy: 7942, firmware: '1.27.0' },
  { name: 'STM32F7 / STM32H7 (double-precision FPU)', mpy: 8966, firmware: '1.27.0' },
  { name: 'unix x86-64', mpy: 2822, firmware: '1.27.0', smallIntBits: 63 },
  { name: 'WebAssembly (pyscript)', mpy: 774, firmware: '1.27.0' },
  { name: 'RP2040 on MicroPython 1.22', mpy: 4614, firmware: '1.22.2' },
  { name: 'ESP32 on MicroPython 1.19', mpy: 10246, firmware: '1.19.1' },
  { name: 'ESP32 on MicroPython 1.18', mpy: 10757, firmware: '1.18.0' },
];
