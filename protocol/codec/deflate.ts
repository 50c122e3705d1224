/**
 * Raw DEFLATE (RFC 1951) for boards that inflate with `deflate.DeflateIO(stream, deflate.RAW, wbits)`
 * (MicroPython 1.21+), by pako (zlib's own algorithm, in pure JavaScript: same bytes in Node and in
 * a browser). On the board wbits sizes a ring buffer of exactly 2^wbits bytes; zlib never reaches
 * further back than its window, so a stream made with `windowBits` inflates with the same value.
 */
import { deflateRaw as pakoDeflateRaw } from 'pako';
import { MpysyncError } from '../errors.ts';

export interface DeflateOptions {
  /** log2 of the decoder's window, 9..15; default 10 (a 1 KB buffer on the board). */
  windowBits?: number;
}

/** zlib's smallest raw window (it turns 8 into 9 itself). */
export const MIN_WINDOW_BITS = 9;
export const MAX_WINDOW_BITS = 15;
export const DEFAULT_WINDOW_BITS = 10;

/** Compresses `bytes` into a raw DEFLATE stream (no zlib or gzip header, no checksum), at zlib's level 9. */
export function deflateRaw(bytes: Uint8Array, options: DeflateOptions = {}): Uint8Array {
  const windowBits = options.windowBits ?? DEFAULT_WINDOW_BITS;
  if (!Number.isInteger(windowBits) || windowBits < MIN_WINDOW_BITS || windowBits > MAX_WINDOW_BITS) {
    throw new MpysyncError(
      'deflate-window-bits',
      `deflate windowBits ${windowBits} is out of range: use an integer from ${MIN_WINDOW_BITS} to ${MAX_WINDOW_BITS}`,
    );
  }
  return pakoDeflateRaw(bytes, { level: 9, windowBits });
}

/** The largest window kept within this share of the board's free RAM. */
const WINDOW_SHARE_OF_FREE_RAM = 1 / 8;
/** Windows above 4 KB gain little on files of a few KB and make a fragmented heap likelier to fail. */
const MAX_CHOSEN_WINDOW_BITS = 12;

/**
 * The window (log2 of its size) for a board reporting `freeRamBytes` (`gc.mem_free()`): the largest
 * 2^bits buffer within 1/8 of the free RAM, clamped to 9..12 (the decoder adds ~1.4 KB of state).
 */
export function chooseWindowBits(freeRamBytes: number): number {
  let bits = MIN_WINDOW_BITS;
  if (!(freeRamBytes > 0)) return bits;
  while (bits < MAX_CHOSEN_WINDOW_BITS && 2 ** (bits + 1) <= freeRamBytes * WINDOW_SHARE_OF_FREE_RAM) bits++;
  return bits;
}
