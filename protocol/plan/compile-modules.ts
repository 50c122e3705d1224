/**
 * `--compile`: each module of the project sent as bytecode `.mpy`, compiled on the host by
 * MicroPython's own compiler (1.19: `.mpy` 6.0, which every 6.x board loads, whatever its
 * sub-version). `boot.py` and `main.py` stay source (MicroPython runs only those as `.py`); a module
 * with its own `.mpy` beside it keeps that one; a module the compiler cannot make bytecode of (a
 * syntax error, native code) is sent as `.py`, and the reason is said.
 */
import type { LocalFile } from './plan.ts';
import { readCompilerError, type HostCompiler } from './source-check.ts';

/** The `.mpy` major version the host compiler makes. */
export const COMPILED_MPY_VERSION = 6;
const RUN_AS_SOURCE = new Set(['main.py', 'boot.py']);

export interface CompiledModule {
  /** The project's `.py`. */
  file: string;
  /** The `.mpy` made of it, in the project's terms (`lib/sensors.mpy`). */
  mpy: string;
  /** Sizes of the source and of the `.mpy`: what the wire carries less (comments and blanks are not in the .mpy). */
  sourceBytes: number;
  mpyBytes: number;
}

export interface CompiledProject {
  /** The project's files and the `.mpy` made of its modules. */
  files: LocalFile[];
  compiled: CompiledModule[];
  /** Modules sent as source, and why. */
  asSource: Array<{ file: string; reason: string }>;
}

export async function compileModules(files: LocalFile[], compiler: HostCompiler): Promise<CompiledProject> {
  const present = new Set(files.map((f) => f.relative));
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const out: CompiledProject = { files: [...files], compiled: [], asSource: [] };
  for (const file of files) {
    if (!file.relative.endsWith('.py') || RUN_AS_SOURCE.has(file.relative)) continue;
    const mpy = file.relative.slice(0, -3) + '.mpy';
    if (present.has(mpy)) continue;
    const outcome = await compiler
      .compile(file.relative, decoder.decode(file.bytes), null)
      .catch((error: Error) => ({ ok: false, mpy: undefined, err: [error.message] }));
    if (outcome.ok && outcome.mpy) {
      out.files.push({ relative: mpy, bytes: outcome.mpy });
      out.compiled.push({ file: file.relative, mpy, sourceBytes: file.bytes.length, mpyBytes: outcome.mpy.length });
    } else {
      const error = readCompilerError(outcome.err);
      out.asSource.push({
        file: file.relative,
        reason: `sent as .py: MicroPython ${compiler.release}'s compiler could not compile it (${error?.message ?? outcome.err.join(' ')})`,
      });
    }
  }
  return out;
}
