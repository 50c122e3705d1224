import { BoardError } from './errors';
import type { Code, ExecOptions, RawRepl } from './raw-repl';

/**
 * `repl.run`, and when the board ran out of memory — a heap still holding earlier programs'
 * objects, as boards keep their globals until a reset — a soft reset to free it (in raw mode
 * main.py does not run) and one more try.
 */
export async function runFreeingHeap(repl: RawRepl, code: Code, options: ExecOptions = {}): Promise<string> {
  try {
    return await repl.run(code, options);
  } catch (error) {
    if (!(error instanceof BoardError) || error.exceptionType !== 'MemoryError') throw error;
    await repl.freshenHeap(); // unless the command's own trailing reset (thenFreshHeapIfPlain) did it
    return repl.run(code, options);
  }
}
