import { chooseWindowBits, MAX_WINDOW_BITS, MIN_WINDOW_BITS } from '../codec/index.ts';
import type { BoardProbe } from '../probe/probe.ts';

/** How files travel, chosen from what the probe found. */
export interface TransferSettings {
  /** Largest program with file data in it sent in one exec, sized by the board's free RAM. */
  commandBytes: number;
  /**
   * Largest single piece of file data in a program: one literal (as spelled in the program, so
   * also the lexer's buffer for it) and one inflate window. Each needs ONE free block, and free
   * RAM says nothing about the largest block: a real RP2040 with 231 KB free failed to allocate
   * 29.5 KB. The many pieces of a command are separate blocks.
   */
  pieceBytes: number;
  /**
   * Largest program WITHOUT file data (the prelude's definitions, the steps of fed files): no
   * literal and its copies to hold, only the text and what the compiler makes of it.
   */
  programBytes: number;
  /** Largest window for the raw-deflate streams, or null when the board has no `deflate` module. */
  windowBits: number | null;
  /** Escape bytes ≥ 0x7f too (firmware whose lexer rejects them in bytes literals). */
  asciiOnly: boolean;
  /** The board has `binascii`: data goes as base64 wherever that is shorter than its bytes literal. */
  base64: boolean;
  /**
   * Files go as their raw bytes, read by the running program from the console (repl/feed.ts), not
   * as literals in the program: boards whose firmware allows it and that have no `deflate`.
   */
  feed: boolean;
  /**
   * A small board without raw-paste: it holds a whole program in one line buffer before compiling
   * it, and that buffer needs ONE free block. The micro:bit hung (no MemoryError, reset button
   * needed) receiving a 1.8 KB program after the probe and the index had left the heap in pieces.
   * The write commands (and each retry) start with a soft reset: 2 ms there, and main.py does not
   * run in raw mode. (probeAndPlan resets before its first program too.)
   */
  freshHeap: boolean;
  /** The board has `os.rename`; without it `_fin` copies the verified file over the old one. */
  rename: boolean;
  /** The fingerprint the board computes (SHA-256 with hashlib, Adler-32 without), as its index did. */
  hash: 'sha256' | 'adler32';
}

/** Heap the write prelude's functions keep (measured on the micro:bit: 2.1 KB). */
const PRELUDE_HEAP = 2048;

/**
 * The largest piece of data a command holds on a board that did not run out of memory yet: small
 * enough for the free blocks a fragmented heap keeps, large enough that a piece's few bytes of
 * `_f.write(…)` around it cost 0.3 %. Halved after each MemoryError (shrunkAfterMemoryError).
 */
export const PIECE_BYTES = 4096;

/** Pieces are never made smaller than this, however often the board runs out of memory. */
export const MIN_PIECE_BYTES = 512;

/** Below this much free heap, a board without raw-paste is soft-reset before the write commands. */
const SMALL_HEAP = 32 * 1024;

export function transferSettings(board: BoardProbe): TransferSettings {
  const mem = board.memFree ?? 16_384;
  const freshHeap = !board.features.rawPaste && mem < SMALL_HEAP;
  // The literal, the lexer's copy of it and the decoded data are alive at once (without
  // raw-paste the whole program text too). On the micro:bit (5.4 KB free, plain raw mode) a
  // sixth of the free heap ran 15 syncs out of 15; a quarter ran out of memory.
  const commandBytes = Math.max(384, Math.min(32 * 1024, Math.floor((mem - PRELUDE_HEAP) / 6)));
  const pieceBytes = Math.min(PIECE_BYTES, commandBytes);
  return {
    commandBytes,
    pieceBytes,
    // On the micro:bit (5.4 KB free as the probe measures it) programs of definitions and steps
    // of 2.1 and 2.4 KB compiled right after a soft reset and 2.9 KB raised MemoryError: a third
    // of the free heap, on a board just reset (freshHeap).
    programBytes: Math.max(384, Math.min(32 * 1024, Math.floor(mem / (freshHeap ? 3 : 5)))),
    windowBits: board.features.deflate ? Math.min(streamWindowBits(mem), Math.floor(Math.log2(pieceBytes))) : null,
    asciiOnly: !board.features.rawBytesLiterals,
    base64: board.features.binascii,
    feed: board.features.consoleInput && !board.features.deflate,
    freshHeap,
    rename: board.fs.rename,
    hash: board.features.hashlib ? 'sha256' : 'adler32',
  };
}

/**
 * The codec's rule (a window of at most 1/8 of the free RAM), carried on past its 4 KB cap up to
 * deflate's 32 KB: a stream here spans many files, where a wider window finds more (on 69 KB of
 * .py, 12 bits gave 0.342 and 15 bits 0.308).
 */
function streamWindowBits(freeRamBytes: number): number {
  let bits = chooseWindowBits(freeRamBytes);
  while (bits < MAX_WINDOW_BITS && 2 ** (bits + 1) <= freeRamBytes / 8) bits++;
  return bits;
}

/**
 * The settings to try again with after the board ran out of memory inside a data command: pieces
 * and windows half as large (never below MIN_PIECE_BYTES), commands too, so they fit the
 * smaller free blocks of a fragmented heap.
 */
export function shrunkAfterMemoryError(settings: TransferSettings): TransferSettings {
  const pieceBytes = Math.max(MIN_PIECE_BYTES, Math.floor(settings.pieceBytes / 2));
  return {
    ...settings,
    pieceBytes,
    commandBytes: Math.max(pieceBytes, Math.floor(settings.commandBytes / 2)),
    windowBits: settings.windowBits === null ? null : Math.max(MIN_WINDOW_BITS, Math.min(settings.windowBits, Math.floor(Math.log2(pieceBytes)))),
  };
}
