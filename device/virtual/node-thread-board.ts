/** A ThreadBoard in a Node worker thread (the CLI's `mpysync virtual`). */
import { Worker } from 'node:worker_threads';
import type { BoardFiles } from './board-fs.ts';
import type { FromBoard } from './board-messages.ts';
import { ThreadBoard } from './thread-board.ts';
import type { WasmBoardOptions } from './wasm-board.ts';

/** The worker's entry beside this module: .ts when run from source (tsx), .js when built. */
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './board-thread.ts' : './board-thread.js', import.meta.url);

export function nodeThreadBoard(options: Omit<WasmBoardOptions, 'yieldToHost'>, files?: BoardFiles): ThreadBoard {
  return new ThreadBoard(
    () => {
      const worker = new Worker(ENTRY, { execArgv: process.execArgv });
      return {
        post: (message, transfer) => worker.postMessage(message, transfer),
        onMessage: (listener) => worker.on('message', (message: FromBoard) => listener(message)),
        terminate: () => void worker.terminate(),
      };
    },
    options,
    files,
  );
}
