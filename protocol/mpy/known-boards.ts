/**
 * `_mpy` values of real boards (spec §7; derived from each port's emitter settings, x64 observed).
 * `firmware` is the release the value belongs to: it picks the loader generation. `aliases` are
 * what people type for the board (`check --board-mpy rp2040`).
 */
export interface KnownBoard {
  name: string;
  aliases: string[];
  mpy: number;
  firmware: string;
  smallIntBits?: number;
}

export const KNOWN_BOARDS: KnownBoard[] = [
  { name: 'ESP32 / ESP32-S2 / ESP32-S3', aliases: ['esp32', 'esp32s2', 'esp32s3'], mpy: 11014, firmware: '1.27.0' },
  { name: 'ESP32-C3 / ESP32-C6', aliases: ['esp32c3', 'esp32c6'], mpy: 12038, firmware: '1.27.0' },
  { name: 'ESP32-P4', aliases: ['esp32p4'], mpy: 143110, firmware: '1.28.0' },
  { name: 'ESP8266', aliases: ['esp8266'], mpy: 9990, firmware: '1.27.0' },
  { name: 'RP2040 (Raspberry Pi Pico)', aliases: ['rp2040', 'pico', 'rp2'], mpy: 4870, firmware: '1.27.0' },
  { name: 'RP2350 ARM (Raspberry Pi Pico 2)', aliases: ['rp2350', 'pico2'], mpy: 7942, firmware: '1.27.0' },
  { name: 'RP2350 RISC-V (Raspberry Pi Pico 2)', aliases: ['rp2350-riscv', 'pico2-riscv'], mpy: 77574, firmware: '1.27.0' },
  { name: 'Pyboard v1.x (STM32F405)', aliases: ['pyboard', 'stm32f4'], mpy: 7942, firmware: '1.27.0' },
  { name: 'STM32F7 / STM32H7 (double-precision FPU)', aliases: ['stm32f7', 'stm32h7'], mpy: 8966, firmware: '1.27.0' },
  { name: 'unix x86-64', aliases: ['unix', 'x64'], mpy: 2822, firmware: '1.27.0', smallIntBits: 63 },
  { name: 'WebAssembly (pyscript)', aliases: ['webassembly', 'wasm', 'virtual'], mpy: 774, firmware: '1.27.0' },
  { name: 'RP2040 on MicroPython 1.22', aliases: ['rp2040@1.22', 'pico@1.22'], mpy: 4614, firmware: '1.22.2' },
  { name: 'ESP32 on MicroPython 1.19', aliases: ['esp32@1.19'], mpy: 10246, firmware: '1.19.1' },
  { name: 'ESP32 on MicroPython 1.18', aliases: ['esp32@1.18'], mpy: 10757, firmware: '1.18.0' },
];

/** The known board a name or alias means, case and punctuation aside ("RP2040", "esp32-s3", "Pico 2"); null when none. */
export function findKnownBoard(name: string): KnownBoard | null {
  const key = (s: string) => s.toLowerCase().replace(/[\s_()/-]+/g, '');
  const wanted = key(name);
  return KNOWN_BOARDS.find((board) => key(board.name) === wanted || board.aliases.some((alias) => key(alias) === wanted)) ?? null;
}
