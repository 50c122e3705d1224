/** MicroPython's compiler in the page: loaded on first use, the wasm fetched from where Vite put it (device/mpy-cross.ts runs it). */
import wasmUrl from '@pybricks/mpy-cross-v6/build/mpy-cross-v6.wasm?url';
import { mpyCrossCompiler, type LoadedMpyCross } from './mpy-cross.ts';

export const webHostCompiler = mpyCrossCompiler(
  async () => {
    const [glue, response] = await Promise.all([import('@pybricks/mpy-cross-v6/build/mpy-cross-v6.js'), fetch(wasmUrl)]);
    if (!response.ok) throw new Error(`the compiler (${wasmUrl}) could not be loaded: HTTP ${response.status}`);
    return { run: glue.default as LoadedMpyCross['run'], wasmBinary: new Uint8Array(await response.arrayBuffer()) };
  },
  // Kept in memory for the page's life (the wasm's URL carries the build's content hash).
  { identity: wasmUrl },
);
