/**
 * The host compiler's verdicts kept on disk, one small JSON file per source version, so that a
 * re-sync of an unchanged project compiles nothing (20 files cost ~150 ms). A cache only: any
 * error reading or writing it means "compile again", never a failed sync.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { base64Encode } from '../protocol/codec/index.ts';
import type { CompileOutcome } from '../protocol/plan/source-check.ts';
import type { OutcomeStore } from './mpy-cross.ts';

/** `$MPYSYNC_CACHE_DIR`, else `$XDG_CACHE_HOME/mpysync`, else `~/.cache/mpysync`. */
export function cacheFolder(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MPYSYNC_CACHE_DIR) return env.MPYSYNC_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mpysync');
}

interface Stored {
  ok: boolean;
  err: string[];
  mpy?: string;
}

export function diskOutcomeStore(folder = join(cacheFolder(), 'compile')): OutcomeStore {
  const path = (key: string) => join(folder, key.slice(0, 2), `${key}.json`);
  return {
    async get(key) {
      try {
        const stored = JSON.parse(await readFile(path(key), 'utf8')) as Stored;
        if (typeof stored.ok !== 'boolean' || !Array.isArray(stored.err)) return undefined;
        const outcome: CompileOutcome = { ok: stored.ok, err: stored.err };
        if (stored.mpy !== undefined) outcome.mpy = new Uint8Array(Buffer.from(stored.mpy, 'base64'));
        return outcome;
      } catch {
        return undefined;
      }
    },
    async set(key, outcome) {
      const stored: Stored = { ok: outcome.ok, err: outcome.err, ...(outcome.mpy ? { mpy: base64Encode(outcome.mpy) } : {}) };
      const target = path(key);
      try {
        await mkdir(join(folder, key.slice(0, 2)), { recursive: true });
        // Written whole, then renamed: a reader never sees half a file.
        const temporary = `${target}.${process.pid}.tmp`;
        await writeFile(temporary, JSON.stringify(stored));
        await rename(temporary, target);
      } catch {
        // A read-only or full disk: the verdict is still right, just not kept.
      }
    },
  };
}
