/**
 * MicroPython's own compiler on this computer: `mpy-cross` of MicroPython 1.19 (`.mpy` 6.0) built to
 * WebAssembly by the npm package @pybricks/mpy-cross-v6. Results are kept by content hash, so a
 * classroom of boards compiles each file once.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sha256, toHex } from '../protocol/codec';
import type { CompileOutcome, HostCompiler } from '../protocol/plan/source-check';

const require = createRequire(import.meta.url);

type MpyCrossModule = (options: Record<string, unknown>) => unknown;
let loaded: { run: MpyCrossModule; wasmBinary: Uint8Array } | null = null;

function load(): { run: MpyCrossModule; wasmBinary: Uint8Array } {
  // Its Emscripten loader would fetch() the wasm by path under Node; the bytes are handed in instead.
  loaded ??= {
    run: require('@pybricks/mpy-cross-v6/build/mpy-cross-v6.js') as MpyCrossModule,
    wasmBinary: readFileSync(require.resolve('@pybricks/mpy-cross-v6/build/mpy-cross-v6.wasm')),
  };
  return loaded;
}

const cache = new Map<string, CompileOutcome>();
const COMPILE_DEADLINE_MS = 5000;

async function compileOnce(file: string, source: string, march: string | null): Promise<CompileOutcome> {
  const { run, wasmBinary } = load();
  // Each run adds process listeners of its own (uncaughtException, unhandledRejection): removed after it.
  const events: Array<'uncaughtException' | 'unhandledRejection'> = ['uncaughtException', 'unhandledRejection'];
  const listeners = (e: string) => process.listeners(e as 'uncaughtException') as unknown[];
  const before = events.map((e) => new Set(listeners(e)));
  try {
    return await new Promise<CompileOutcome>((resolve, reject) => {
      // A run that never calls back (its loader failed) is no verdict: give up after a deadline.
      const timer = setTimeout(() => reject(new Error(`mpy-cross did not answer for ${file}`)), COMPILE_DEADLINE_MS);
      try {
        run({
          onAbort: (what: unknown) => reject(new Error(`mpy-cross aborted on ${file}: ${String(what)}`)),
          // Its in-memory file system has no folders, and a name must not read as an option: a plain name
          // (only the line and message are read back).
          arguments: [
            ...(march ? [`-march=${march}`] : []),
            file
              .split('/')
              .pop()!
              .replace(/[^\w.]/g, '_'),
          ],
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

export const hostCompiler: HostCompiler = {
  release: '1.19',
  async compile(file, source, march) {
    const key = toHex(sha256(new TextEncoder().encode(`${march ?? ''}\0${file}\0${source}`)));
    let outcome = cache.get(key);
    if (!outcome) {
      outcome = await compileOnce(file, source, march);
      cache.set(key, outcome);
    }
    return outcome;
  },
};
