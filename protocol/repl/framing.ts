/**
 * Bytes of the raw REPL conversation (MicroPython `shared/runtime/pyexec.c`).
 *
 * Framing of one command's reply: `stdout \x04 exception-text \x04 >`. Nothing escapes a `\x04`
 * printed by the program itself, so by design such a byte cannot be told apart from the marker.
 * The engine reads the two markers as mpremote does, and when `>` does not follow it reads on to
 * the real end of the reply (`\x04>`, see result.ts): stdout holding `\x04>` or the raw banner is
 * the only output that can still fool it. Every other byte value, including invalid UTF-8, passes
 * through untouched.
 */
const encoder = new TextEncoder();

export const CTRL_A = 0x01;
export const CTRL_B = 0x02;
export const CTRL_C = 0x03;
export const CTRL_D = 0x04;
export const CTRL_E = 0x05;
export const PROMPT = 0x3e; // '>'

export const EOF_MARKER = Uint8Array.of(CTRL_D);
/** Matched as a suffix: the `\r\n` before it is only sent when entering from the friendly REPL. */
export const RAW_BANNER_WITH_PROMPT = encoder.encode('raw REPL; CTRL-B to exit\r\n>');
export const SOFT_REBOOT = encoder.encode('soft reboot');
export const FRIENDLY_PROMPT = encoder.encode('>>> ');
/** The end of the friendly REPL's banner (`MicroPython v… on …` then this), the same from 1.9 to 1.27. */
export const BANNER_END = encoder.encode('for more information.\r\n>>> ');
export const OK = encoder.encode('OK');

export const INTERRUPT = Uint8Array.of(0x0d, CTRL_C);
export const ENTER_RAW = Uint8Array.of(0x0d, CTRL_A);
export const EXIT_RAW = Uint8Array.of(0x0d, CTRL_B);
export const RAW_PASTE_REQUEST = Uint8Array.of(CTRL_E, 0x41, CTRL_A); // \x05 A \x01
/** Reply bytes to the raw-paste request. */
export const RAW_PASTE_YES = Uint8Array.of(0x52, 0x01); // R\x01 (then window lo, hi, \x01)
export const RAW_PASTE_NO = Uint8Array.of(0x52, 0x00); // R\x00 (then '>')
export const OLD_FIRMWARE_REPLY = encoder.encode('ra'); // start of the raw banner: no raw-paste at all

/**
 * Plain raw mode has no flow control: the board must take each piece into its small UART input
 * buffer before the next arrives. mpremote writes 256 bytes then sleeps 10 ms, which a real
 * 115200-baud UART spreads out by itself; an emulated UART (qemu) delivers each piece in one burst,
 * and the micro:bit firmware dropped bytes in about half of the syncs. 32-byte pieces every 2 ms
 * (at most 16 KB/s, about a 115200-baud link's pace) lost none.
 */
export const PLAIN_RAW_PIECE = 32;

export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
