/** MicroPython's compiler in Node: the wasm read from the installed package (device/mpy-cross.ts runs it). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mpyCrossCompiler, type LoadedMpyCross } from './mpy-cross.ts';

const require = createRequire(import.meta.url);

export const hostCompiler = mpyCrossCompiler(async (): Promise<LoadedMpyCross> => ({
  run: require('@pybricks/mpy-cross-v6/build/mpy-cross-v6.js') as LoadedMpyCross['run'],
  wasmBinary: readFileSync(require.resolve('@pybricks/mpy-cross-v6/build/mpy-cross-v6.wasm')),
}));
