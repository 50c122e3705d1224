/**
 * Will each `.py` compile on this board? Checked on the host with MicroPython's own compiler
 * (mpy-cross built to WebAssembly; device/ or the page loads it and hands it in as `CompileSource`).
 * Pure: the compiler is a parameter.
 */
import type { BoardProbe } from '../probe/probe';
import type { LocalFile } from './plan';

/** Something found that will not work on this board, in the importing or failing file. */
export interface SourceProblem {
  file: string;
  line: number | null;
  kind: 'syntax' | 'import' | 'run';
  message: string;
}

/** What the compiler said of one source: `mpy-cross`'s exit status and its error lines. */
export interface CompileOutcome {
  ok: boolean;
  mpy?: Uint8Array;
  err: string[];
}

/** MicroPython's compiler on the host: `march` is mpy-cross's `-march`, null for bytecode only. */
export interface HostCompiler {
  /** The MicroPython release the compiler comes from, e.g. "1.19". */
  release: string;
  compile(file: string, source: string, march: string | null): Promise<CompileOutcome>;
}

/** The arch to compile native code for on `board`, or null where it has no native emitter (or says nothing). */
export function marchFor(board: BoardProbe): string | null {
  const arch = board.mpy?.arch;
  return arch && arch !== 'none' && arch !== 'debug' ? arch : null;
}

/** `File "x.py", line 3` and the last line (`SyntaxError: invalid syntax`) of the compiler's traceback. */
export function readCompilerError(err: string[]): { line: number | null; message: string } | null {
  const last = [...err].reverse().find((l) => /^\w+Error\b/.test(l.trim()));
  if (!last) return null;
  const at = err.map((l) => /line (\d+)/.exec(l)).find(Boolean);
  return { line: at ? Number(at[1]) : null, message: last.trim() };
}

/**
 * Every `.py` among `files` compiled for `board`: a SyntaxError becomes a problem with its line,
 * in words. A native decorator on a board without a native emitter fails here as it would there.
 */
export async function checkSources(files: LocalFile[], board: BoardProbe, compiler: HostCompiler): Promise<SourceProblem[]> {
  const problems: SourceProblem[] = [];
  const march = marchFor(board);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (const file of files) {
    if (!file.relative.endsWith('.py')) continue;
    // A compiler that fails on its own is no verdict on the source: the file is not flagged.
    const outcome = await compiler.compile(file.relative, decoder.decode(file.bytes), march).catch(() => null);
    if (!outcome) continue;
    if (outcome.ok) continue;
    const error = readCompilerError(outcome.err);
    if (!error) continue; // not a verdict on the source (the compiler refused its arguments): say nothing
    problems.push({
      file: file.relative,
      line: error.line,
      kind: 'syntax',
      message: describeSyntaxError(file.relative, error, board, march, compiler.release),
    });
  }
  return problems;
}

function describeSyntaxError(file: string, error: { line: number | null; message: string }, board: BoardProbe, march: string | null, release: string): string {
  const where = `${file}${error.line ? `:${error.line}` : ''}`;
  if (/invalid arch|invalid micropython decorator/.test(error.message)) {
    return (
      `${where}: ${error.message}: it uses @micropython.native or @micropython.viper, and this board's firmware ` +
      `(MicroPython ${board.implementation.version} on ${board.platform}) has no native code emitter. Fix: remove the decorator.`
    );
  }
  const newer = !/^1\.(1\d|[0-9])(\.|$)/.test(board.implementation.version);
  const caveat = newer
    ? ` (found by MicroPython ${release}'s compiler on this computer; MicroPython ${board.implementation.version} may accept syntax newer than ${release})`
    : '';
  return `${where}: ${error.message}${caveat}. Fix: correct the line, then sync again.`;
}
