/**
 * MicroPython's own compiler, `mpy-cross` of MicroPython 1.19 (`.mpy` 6.0), built to WebAssembly by
 * the npm package @pybricks/mpy-cross-v6: one runner for Node and the page. Results are kept by
 * content hash, so a classroom of boards compiles each file once. Universal code only.
 */
import { sha256, toHex } from '../protocol/codec/index.ts';
import type { CompileOutcome, HostCompiler } from '../protocol/plan/source-check.ts';

/** The Emscripten module factory and the wasm bytes it is handed (it would fetch() them by path otherwise). */
export interface LoadedMpyCross {
  run: (options: Record<string, unknown>) => unknown;
  wasmBinary: Uint8Array;
}

const cache = new Map<string, CompileOutcome>();
const COMPILE_DEADLINE_MS = 5000;

async function compileOnce(compiler: LoadedMpyCross, file: string, source: string, march: string | null): Promise<CompileOutcome> {
  const { run, wasmBinary } = compiler;
  // Each run adds process listeners of its own (uncaughtException, unhandledRejection): removed after it.
  const events: Array<'uncaughtException' | 'unhandledRejection'> =
    typeof process === 'object' && 'listeners' in process ? ['uncaughtException', 'unhandledRejection'] : [];
  const listeners = (e: string) => process.listeners(e as 'uncaughtException') as unknown[];
  const before = events.map((e) => new Set(listeners(e)));
  try {
    return await new Promise<CompileOutcome>((resolve, reject) => {
      // A run that never calls back (its loader failed) is no verdict: give up after a deadline.
      const timer = setTimeout(() => reject(new Error(`mpy-cross did not answer for ${file}`)), COMPILE_DEADLINE_MS);
      try {
        run({
          onAbort: (what: unknown) => reject(new Error(`mpy-cross aborted on ${file}: ${String(what)}`)),
          // Its in-memory file system has no folders, and a name must not read as an option.
          arguments: [...(march ? [`-march=${march}`] : []), safeName(file)],
          inputFileContents: source,
          wasmBinary,
          print: () => {},
          printErr: () => {},
          callback: (status: number, mpy: Uint8Array | undefined, _out: string[], err: string[]) => {
            clearTimeout(timer);
            resolve({ ok: status === 0, mpy, err });
          },
        });
      } catch (error) {
        reject(error);
      }
    });
  } finally {
    events.forEach((e, i) => {
      for (const l of listeners(e)) if (!before[i]!.has(l)) process.removeListener(e, l as never);
    });
  }
}

/** `lib/-rf.py` → `m_-rf.py`: a plain name that no option starts with (only the line and message are read back). */
export const safeName = (file: string): string => 'm_' + file.slice(file.lastIndexOf('/') + 1).replace(/[^\w.-]/g, '_');

/** A HostCompiler over mpy-cross as `load` provides it (Node reads the wasm from disk, a page fetches it). */
export function mpyCrossCompiler(load: () => Promise<LoadedMpyCross>): HostCompiler {
  let loading: Promise<LoadedMpyCross> | null = null;
  return {
    release: '1.19',
    async compile(file, source, march) {
      const key = toHex(sha256(new TextEncoder().encode(`${march ?? ''}\0${file}\0${source}`)));
      let outcome = cache.get(key);
      if (!outcome) {
        loading ??= load();
        outcome = await compileOnce(await loading, file, source, march);
        cache.set(key, outcome);
      }
      return outcome;
    },
  };
}
