import { BoardError } from './errors.ts';
import type { Code, ExecOptions, RawRepl } from './raw-repl.ts';

/**
 * Errors mpysync's own programs never raise: on a line without flow control (plain raw mode) they
 * mean the program text arrived with a byte lost or doubled (seen on the micro:bit in qemu under
 * load: `NameError: name 'NNone' is not defined`). Nothing was changed: read-only programs run again.
 */
const DAMAGED_TEXT = new Set(['NameError', 'SyntaxError', 'IndentationError']);

/**
 * `repl.run` for mpysync's own read-only programs (probe, index, ls, cat), which are safe to run
 * again: after a MemoryError — a heap still holding earlier programs' objects, as boards keep their
 * globals until a reset — with a soft reset first (in raw mode main.py does not run); after text
 * damaged on a plain-raw line, once more as it is.
 */
export async function runReadOnly(repl: RawRepl, code: Code, options: ExecOptions = {}): Promise<string> {
  try {
    return await repl.run(code, options);
  } catch (error) {
    if (!(error instanceof BoardError)) throw error;
    if (error.exceptionType === 'MemoryError') {
      await repl.freshenHeap(); // unless the command's own trailing reset (thenFreshHeapIfPlain) did it
      return repl.run(code, options);
    }
    if (repl.rawPaste === 'supported' || !DAMAGED_TEXT.has(error.exceptionType)) throw error;
    return repl.run(code, options).catch((again: unknown) => {
      if (again instanceof BoardError && DAMAGED_TEXT.has(again.exceptionType)) {
        again.message +=
          ": mpysync's own program arrived damaged twice (this board has no raw-paste, so its serial line has no flow control); check the cable and run the command again";
      }
      throw again;
    });
  }
}
