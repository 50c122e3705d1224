/**
 * Will each `.py` compile on this board? Checked on the host with MicroPython's own compiler
 * (mpy-cross built to WebAssembly; device/ or the page loads it and hands it in as `CompileSource`).
 * Pure: the compiler is a parameter.
 */
import type { BoardProbe } from '../probe/probe.ts';
import type { BoardCompileVerdict } from './board-compile.ts';
import type { LocalFile } from './plan.ts';

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

/** The board's own compiler, asked about the sources the host rejected (see board-compile.ts). */
export type ConfirmOnBoard = (sources: Array<{ file: string; source: string }>) => Promise<BoardCompileVerdict[]>;

/**
 * Every `.py` among `files` compiled for `board` on the host. What the host rejects goes to the
 * board's own compiler when `confirm` is given: its verdict (its line, its message) replaces the
 * host's, and a source it compiles is no problem (the host's compiler is older). A native decorator
 * on a board without a native emitter fails in both, as it would at import.
 */
export async function checkSources(files: LocalFile[], board: BoardProbe, compiler: HostCompiler, confirm?: ConfirmOnBoard): Promise<SourceProblem[]> {
  const march = marchFor(board);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const rejected: Array<{ file: string; source: string; error: { line: number | null; message: string } }> = [];
  for (const file of files) {
    if (!file.relative.endsWith('.py')) continue;
    const source = decoder.decode(file.bytes);
    // A compiler that fails on its own is no verdict on the source: the file is not flagged.
    const outcome = await compiler.compile(file.relative, source, march).catch(() => null);
    const error = outcome && !outcome.ok ? readCompilerError(outcome.err) : null;
    // Nor is running out of its own heap (a 1 MB source in mpy-cross's WebAssembly): that says
    // nothing of the board, which reads an import piece by piece.
    if (error && !/^MemoryError\b/.test(error.message)) rejected.push({ file: file.relative, source, error });
  }
  const verdicts = confirm && rejected.length ? await confirm(rejected.map(({ file, source }) => ({ file, source }))) : [];
  return rejected.flatMap(({ file, error }, i): SourceProblem[] => {
    const onBoard = verdicts[i];
    if (onBoard?.kind === 'ok') return [];
    const found = onBoard?.kind === 'error' ? { ...onBoard, by: 'board' as const } : { ...error, by: 'host' as const };
    return [{ file, line: found.line, kind: 'syntax', message: describeSyntaxError(file, found, board, compiler.release) }];
  });
}

/** A compiler's error in words: where, what, and the fix; `by` says whose compiler, and when ('board-after-sync': the file as it lies on the board). */
export function describeSyntaxError(
  file: string,
  error: { line: number | null; message: string; by: 'host' | 'board' | 'board-after-sync' },
  board: BoardProbe,
  release: string,
): string {
  const where = `${file}${error.line ? `:${error.line}` : ''}`;
  if (/invalid arch|invalid micropython decorator/.test(error.message)) {
    return (
      `${where}: ${error.message}: it uses @micropython.native or @micropython.viper, and this board's firmware ` +
      `(MicroPython ${board.implementation.version} on ${board.platform}) has no native code emitter. Fix: remove the decorator.`
    );
  }
  // Only the host said so, and the board's firmware is newer than the host's compiler: it may know syntax the host does not.
  const newer = error.by === 'host' && !/^1\.(1\d|[0-9])(\.|$)/.test(board.implementation.version);
  const caveat = newer
    ? ` (found by MicroPython ${release}'s compiler on this computer; MicroPython ${board.implementation.version} may accept syntax newer than ${release})`
    : error.by === 'board-after-sync'
      ? " (the board's own compiler, after the sync)"
      : '';
  return `${where}: ${error.message}${caveat}. Fix: correct the line, then sync again.`;
}
