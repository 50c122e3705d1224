/**
 * Raw DEFLATE (RFC 1951) compression in pure TypeScript, for boards that inflate with
 * `deflate.DeflateIO(stream, deflate.RAW, windowBits)` (MicroPython 1.21+).
 *
 * On the board, DeflateIO's wbits is the log2 of a ring buffer of the last output bytes, allocated
 * on the first read: exactly 2^wbits bytes, plus about 1.4 KB of decoder state. A distance larger
 * than 2^wbits fails with `OSError: [Errno 22] EINVAL`; exactly 2^wbits works. wbits 5..15 are
 * accepted, and RAW without wbits means 8 (test/real/codec-micropython.test.ts shows all of this
 * on MicroPython 1.27). So the board must be given the same windowBits the stream was made with
 * (or more), and this compressor never reaches further back than 2^windowBits bytes.
 *
 * The output depends only on the input and the options: Node and browsers produce the same bytes.
 */
import { BitWriter } from './bit-writer';
import { writeBlocks, writeStoredBlocks } from './deflate-blocks';
import { findMatches, type MatchEffort } from './lz77';
import { MpysyncError } from '../errors';

export type DeflateLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

export interface DeflateOptions {
  /** log2 of the decoder's window, 8..15; default 10 (a 1 KB buffer on the board). */
  windowBits?: number;
  /** 0 stores only; 1 is fastest; 9 (the default) compresses best. */
  level?: DeflateLevel;
}

export const MIN_WINDOW_BITS = 8;
export const MAX_WINDOW_BITS = 15;
export const DEFAULT_WINDOW_BITS = 10;
export const DEFAULT_LEVEL: DeflateLevel = 9;

/** zlib's configuration table (deflate.c), levels 1..9. */
const EFFORT: Record<Exclude<DeflateLevel, 0>, MatchEffort> = {
  1: { goodLength: 4, maxLazy: 4, niceLength: 8, maxChain: 4 },
  2: { goodLength: 4, maxLazy: 5, niceLength: 16, maxChain: 8 },
  3: { goodLength: 4, maxLazy: 6, niceLength: 32, maxChain: 32 },
  4: { goodLength: 4, maxLazy: 4, niceLength: 16, maxChain: 16 },
  5: { goodLength: 8, maxLazy: 16, niceLength: 32, maxChain: 32 },
  6: { goodLength: 8, maxLazy: 16, niceLength: 128, maxChain: 128 },
  7: { goodLength: 8, maxLazy: 32, niceLength: 128, maxChain: 256 },
  8: { goodLength: 32, maxLazy: 128, niceLength: 258, maxChain: 1024 },
  9: { goodLength: 32, maxLazy: 258, niceLength: 258, maxChain: 4096 },
};

/** Compresses `bytes` into a raw DEFLATE stream (no zlib or gzip header, no checksum). */
export function deflateRaw(bytes: Uint8Array, options: DeflateOptions = {}): Uint8Array {
  const windowBits = options.windowBits ?? DEFAULT_WINDOW_BITS;
  const level = options.level ?? DEFAULT_LEVEL;
  if (!Number.isInteger(windowBits) || windowBits < MIN_WINDOW_BITS || windowBits > MAX_WINDOW_BITS) {
    throw new MpysyncError(
      'deflate-window-bits',
      `deflate windowBits ${windowBits} is out of range: use an integer from ${MIN_WINDOW_BITS} to ${MAX_WINDOW_BITS}`,
    );
  }
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new MpysyncError('deflate-level', `deflate level ${level} is out of range: use an integer from 0 to 9`);
  }
  const writer = new BitWriter((bytes.length >> 1) + 64);
  if (level === 0) {
    writeStoredBlocks(writer, bytes);
  } else {
    writeBlocks(writer, bytes, findMatches(bytes, 1 << windowBits, EFFORT[level]));
  }
  return writer.finish();
}

/** The largest window kept within this share of the board's free RAM. */
const WINDOW_SHARE_OF_FREE_RAM = 1 / 8;
/** Windows above 4 KB gain little on files of a few KB and make a fragmented heap likelier to fail. */
const MAX_CHOSEN_WINDOW_BITS = 12;

/**
 * The window (log2 of its size) to compress with for a board reporting `freeRamBytes`
 * (`gc.mem_free()`): the largest 2^bits buffer that is at most 1/8 of the free RAM, clamped to
 * 8..12. The board allocates exactly 2^bits bytes for the window on the `DeflateIO`'s first read,
 * plus about 1.4 KB of decoder state (1360 bytes on MicroPython 1.27) whatever the window size.
 * Unknown or tiny free RAM still gives 8 (256 bytes), the smallest window zlib produces.
 */
export function chooseWindowBits(freeRamBytes: number): number {
  let bits = MIN_WINDOW_BITS;
  if (!(freeRamBytes > 0)) return bits;
  while (bits < MAX_CHOSEN_WINDOW_BITS && 2 ** (bits + 1) <= freeRamBytes * WINDOW_SHARE_OF_FREE_RAM) bits++;
  return bits;
}
