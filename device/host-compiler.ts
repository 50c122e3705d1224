/** MicroPython's compiler in Node: the wasm read from the installed package, verdicts kept on disk (device/mpy-cross.ts runs it). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { diskOutcomeStore } from './host-cache.ts';
import { mpyCrossCompiler, type LoadedMpyCross } from './mpy-cross.ts';

const require = createRequire(import.meta.url);
const { version } = require('@pybricks/mpy-cross-v6/package.json') as { version: string };

export async function loadNodeMpyCross(): Promise<LoadedMpyCross> {
  return {
    run: require('@pybricks/mpy-cross-v6/build/mpy-cross-v6.js') as LoadedMpyCross['run'],
    wasmBinary: readFileSync(require.resolve('@pybricks/mpy-cross-v6/build/mpy-cross-v6.wasm')),
  };
}

export const hostCompiler = mpyCrossCompiler(loadNodeMpyCross, { identity: `@pybricks/mpy-cross-v6@${version}`, store: diskOutcomeStore() });
