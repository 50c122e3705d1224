/**
 * What mpysync keeps on this computer between runs, as small JSON files: the host compiler's
 * verdicts (a re-sync of an unchanged project compiles nothing; 20 files cost ~150 ms) and each
 * firmware's list of built-in modules (the import check needs no extra program for them). A cache
 * only: any error reading or writing it means "work it out again", never a failed command.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { base64Encode } from '../protocol/codec/index.ts';
import type { FirmwareModulesCache } from '../protocol/plan/import-check.ts';
import type { CompileOutcome } from '../protocol/plan/source-check.ts';
import type { OutcomeStore } from './mpy-cross.ts';

/** `$MPYSYNC_CACHE_DIR`, else `$XDG_CACHE_HOME/mpysync`, else `~/.cache/mpysync`. */
export function cacheFolder(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MPYSYNC_CACHE_DIR) return env.MPYSYNC_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mpysync');
}

/** JSON values by key (a hex digest), one file each under `folder`. */
function jsonStore(folder: string) {
  const path = (key: string) => join(folder, key.slice(0, 2), `${key}.json`);
  return {
    async get(key: string): Promise<unknown> {
      try {
        return JSON.parse(await readFile(path(key), 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    async set(key: string, value: unknown): Promise<void> {
      const target = path(key);
      try {
        await mkdir(join(folder, key.slice(0, 2)), { recursive: true });
        // Written whole, then renamed: a reader never sees half a file.
        const temporary = `${target}.${process.pid}.tmp`;
        await writeFile(temporary, JSON.stringify(value));
        await rename(temporary, target);
      } catch {
        // A read-only or full disk: the answer is still right, just not kept.
      }
    },
  };
}

interface StoredOutcome {
  ok: boolean;
  err: string[];
  mpy?: string;
}

export function diskOutcomeStore(folder = join(cacheFolder(), 'compile')): OutcomeStore {
  const store = jsonStore(folder);
  return {
    async get(key) {
      const stored = (await store.get(key)) as StoredOutcome | undefined;
      if (typeof stored?.ok !== 'boolean' || !Array.isArray(stored.err)) return undefined;
      const outcome: CompileOutcome = { ok: stored.ok, err: stored.err };
      if (typeof stored.mpy === 'string') outcome.mpy = new Uint8Array(Buffer.from(stored.mpy, 'base64'));
      return outcome;
    },
    set: (key, outcome) => store.set(key, { ok: outcome.ok, err: outcome.err, ...(outcome.mpy ? { mpy: base64Encode(outcome.mpy) } : {}) }),
  };
}

export function diskFirmwareModules(folder = join(cacheFolder(), 'firmware-modules')): FirmwareModulesCache {
  const store = jsonStore(folder);
  return {
    async get(key) {
      const names = await store.get(key);
      return Array.isArray(names) && names.every((n) => typeof n === 'string') ? names : undefined;
    },
    set: (key, names) => store.set(key, names),
  };
}
