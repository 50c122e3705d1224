/**
 * What a virtual board in a worker (board-host.ts) and its owner (thread-board.ts) say to each
 * other. No Node or DOM APIs: the same messages cross a Node worker thread and a Web Worker.
 */
import type { WasmBoardOptions } from './wasm-board.ts';

/** The board's files as its owner keeps them, to start a new board with after a hard reset. */
export interface FileChanges {
  /** Every directory now, parents first. */
  directories: string[];
  /** Files new or changed since the last report. */
  changed: Array<[path: string, bytes: Uint8Array]>;
  /** Files gone since the last report. */
  removed: string[];
}

export type ToBoard =
  | { type: 'start'; options: Omit<WasmBoardOptions, 'yieldToHost'>; directories: string[]; files: Array<[string, Uint8Array]> }
  | { type: 'input'; bytes: Uint8Array }
  | { type: 'ping'; id: number };

export type FromBoard =
  | { type: 'ready' }
  | { type: 'output'; bytes: Uint8Array }
  /** Every byte sent so far has been processed. */
  | { type: 'idle' }
  /** A command completed; what it changed in the board's files. */
  | { type: 'files'; changes: FileChanges }
  | { type: 'pong'; id: number }
  | { type: 'failed'; message: string };
