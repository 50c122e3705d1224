/**
 * MicroPython's own compiler, `mpy-cross` of MicroPython 1.19 (`.mpy` 6.0), built to WebAssembly by
 * the npm package @pybricks/mpy-cross-v6: one runner for Node and the page. Results are kept by
 * content hash, so a classroom of boards compiles each file once (and, in Node, a re-sync none). Universal code only.
 */
import { sha256, toHex } from '../protocol/codec/index.ts';
import type { CompileOutcome, HostCompiler } from '../protocol/plan/source-check.ts';

/** The Emscripten module factory and the wasm bytes it is handed (it would fetch() them by path otherwise). */
export interface LoadedMpyCross {
  run: (options: Record<string, unknown>) => unknown;
  wasmBinary: Uint8Array;
}

interface ReadyMpyCross extends LoadedMpyCross {
  module: WebAssembly.Module;
}

/** Where outcomes are kept between runs (Node: a folder, device/host-cache.ts); the page keeps them in memory only. */
export interface OutcomeStore {
  get(key: string): Promise<CompileOutcome | undefined>;
  set(key: string, outcome: CompileOutcome): Promise<void>;
}
const COMPILE_DEADLINE_MS = 5000;

async function compileOnce(compiler: ReadyMpyCross, file: string, source: string, march: string | null): Promise<CompileOutcome> {
  const { run } = compiler;
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
          // The wasm compiled once (WebAssembly.Module), instantiated per run: a compile of its 268 KB each time cost ~8 ms a file.
          instantiateWasm: (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
            const instance = new WebAssembly.Instance(compiler.module, imports);
            receive(instance, compiler.module);
            return instance.exports;
          },
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

/**
 * A HostCompiler over mpy-cross as `load` provides it (Node reads the wasm from disk, a page fetches
 * it). `identity` names the compiler build in the cache key, so a new build never reuses old verdicts.
 */
export function mpyCrossCompiler(load: () => Promise<LoadedMpyCross>, options: { identity: string; store?: OutcomeStore }): HostCompiler {
  let loading: Promise<ReadyMpyCross> | null = null;
  const memory = new Map<string, CompileOutcome>();
  return {
    release: '1.19',
    async compile(file, source, march) {
      const key = toHex(sha256(new TextEncoder().encode(`${options.identity}\0${march ?? ''}\0${file}\0${source}`)));
      let outcome = memory.get(key) ?? (await options.store?.get(key));
      if (!outcome) {
        loading ??= load().then(async (loaded) => ({ ...loaded, module: await WebAssembly.compile(loaded.wasmBinary as BufferSource) }));
        outcome = await compileOnce(await loading, file, source, march);
        await options.store?.set(key, outcome);
      }
      memory.set(key, outcome);
      return outcome;
    },
  };
}
