/**
 * The board's own compiler, for the sources the host's compiler rejected: exact for that firmware
 * (its line numbers, its syntax, its emitters). One program, sent only when the host found something;
 * `compile()` only compiles, nothing of the user's code runs. Boards without `compile()` (the
 * micro:bit) keep the host's verdict.
 */
import { indent, pySource, pyStr } from '../python/literal.ts';
import type { RawRepl } from '../repl/index.ts';

const MARK = 'mps-c#';

/** What the board's compiler said of one source: it compiles, an error with its line, it ran out of memory, or no verdict. */
export type BoardCompileVerdict =
  { kind: 'ok' } | { kind: 'error'; line: number | null; message: string } | { kind: 'memory'; message: string } | { kind: 'unknown' };

export function boardCompileProgram(sources: ReadonlyArray<{ file: string; source: string }>): Uint8Array {
  const checks = sources.map(
    ({ file, source }, i) => `try:
 compile(${pyStr(source)},${pyStr(file)},'exec')
 print('${MARK}${i}:ok')
except Exception as _e:
 print('${MARK}${i}:err')
 sys.print_exception(_e)
`,
  );
  return pySource(
    `import sys
try:
 compile
except NameError:
 print('${MARK}none')
else:
`,
    ...checks.map(indent),
    `print('${MARK}end')\n`,
  );
}

/**
 * One verdict per source, in order. Only a SyntaxError (or the like) is a verdict against the
 * source: a MemoryError says the board could not hold this check, not that the import would fail.
 */
export function parseBoardCompile(stdout: string, count: number): BoardCompileVerdict[] {
  const verdicts: BoardCompileVerdict[] = Array.from({ length: count }, () => ({ kind: 'unknown' }));
  const parts = stdout.split(MARK).slice(1);
  for (const part of parts) {
    const m = /^(\d+):(ok|err)/.exec(part);
    if (!m) continue;
    const i = Number(m[1]);
    if (i >= count) continue;
    if (m[2] === 'ok') {
      verdicts[i] = { kind: 'ok' };
      continue;
    }
    const lines = part.split(/\r?\n/).map((l) => l.trim());
    const last = [...lines].reverse().find((l) => /^\w+Error\b/.test(l));
    if (!last) continue;
    if (/^MemoryError\b/.test(last)) {
      verdicts[i] = { kind: 'memory', message: last };
      continue;
    }
    const at = [...lines]
      .reverse()
      .map((l) => /line (\d+)/.exec(l))
      .find(Boolean);
    verdicts[i] = { kind: 'error', line: at ? Number(at[1]) : null, message: last };
  }
  return verdicts;
}

/**
 * Runs the check for the sources of at most `maxSourceBytes` (a literal and its copy must fit the
 * board's heap; larger ones get no verdict). A board that cannot run it (an error, a timeout) gives
 * no verdicts rather than failing the sync.
 */
export async function compileOnBoard(
  repl: RawRepl,
  sources: ReadonlyArray<{ file: string; source: string }>,
  maxSourceBytes: number,
): Promise<BoardCompileVerdict[]> {
  const asked = sources.flatMap((s, i) => (s.source.length <= maxSourceBytes ? [i] : []));
  const verdicts: BoardCompileVerdict[] = sources.map(() => ({ kind: 'unknown' }));
  if (!asked.length) return verdicts;
  const stdout = await repl.run(boardCompileProgram(asked.map((i) => sources[i]!)), { timeoutMs: 20_000 }).catch(() => '');
  parseBoardCompile(stdout, asked.length).forEach((v, k) => (verdicts[asked[k]!] = v));
  return verdicts;
}

/**
 * The board's compiler on files it already holds (after a sync): each is read and compiled there,
 * nothing runs, and nothing but the names goes over the wire. Exact for that firmware, its heap
 * included: a MemoryError says the board cannot compile the module at all (ship it as .mpy).
 * A source too large to read into one string (a fragmented heap has no such block; an import
 * reads the file piece by piece) gets no verdict (`big`), and each source is let go before the next.
 */
export function boardCompileFilesProgram(paths: readonly string[]): Uint8Array {
  return pySource(
    `import sys, gc
_i=0
for _f in (${paths.map(pyStr).join(',')},):
 _s=None
 try:
  with open(_f) as _h:
   _s=_h.read()
 except MemoryError:
  print('${MARK}%d:big' % _i)
 if _s is not None:
  try:
   gc.collect()
   _m=gc.mem_free()
   compile(_s,_f,'exec')
   print('${MARK}%d:ok %d' % (_i,_m-gc.mem_free()))
  except Exception as _e:
   print('${MARK}%d:err' % _i)
   sys.print_exception(_e)
 _s=None
 gc.collect()
 _i+=1
for _n in ('_i','_f','_s','_h','_m','_e'):
 globals().pop(_n,None)
print('${MARK}end')
`,
  );
}

/**
 * Every path compiled on the board, with the heap each compile took (what the board spent that an
 * `.mpy` would have spared it: the compiler's garbage, read before any collection); a board that
 * cannot run the check gives no verdicts.
 */
export async function compileFilesOnBoard(repl: RawRepl, paths: readonly string[]): Promise<Array<{ verdict: BoardCompileVerdict; heapBytes: number | null }>> {
  if (!paths.length) return [];
  const stdout = await repl.run(boardCompileFilesProgram(paths), { timeoutMs: 60_000 }).catch(() => '');
  const heap = new Map([...stdout.matchAll(new RegExp(`${MARK}(\\d+):ok (-?\\d+)`, 'g'))].map((m) => [Number(m[1]), Number(m[2])]));
  return parseBoardCompile(stdout, paths.length).map((verdict, i) => ({ verdict, heapBytes: heap.has(i) && heap.get(i)! >= 0 ? heap.get(i)! : null }));
}
