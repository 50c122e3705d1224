/**
 * How the CLI fetches packages: Node's fetch with a deadline, through a cache on this computer
 * (host-cache.ts's folder), so a classroom's 30 boards download each file once and a second
 * install works offline. An index's files are named by their hash and never change: they are read
 * from the cache first. Package JSONs (`latest` moves) are fetched afresh, and the cached copy is
 * used only when the network fails.
 */
import { appendFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256, toHex } from '../protocol/codec/index.ts';
import { FetchFailed, type Fetch } from '../protocol/packages/resolve.ts';
import { cacheFolder } from './host-cache.ts';

const FETCH_DEADLINE_MS = 30_000;
/** An index's file, named by (a prefix of) its SHA-256: `{index}/file/ab/abcdef12`. */
const BY_HASH = /\/file\/[0-9a-f]{2}\/([0-9a-f]+)$/i;

export interface CachedFetch {
  fetch: Fetch;
  /** URLs answered from the network, and from the cache (for the report and the tests). */
  readonly fetched: string[];
  readonly fromCache: string[];
}

export function cachedFetch(folder = join(cacheFolder(), 'packages')): CachedFetch {
  const fetched: string[] = [];
  const fromCache: string[] = [];
  const pathOf = (url: string) => {
    const key = toHex(sha256(new TextEncoder().encode(url)));
    return join(folder, key.slice(0, 2), key);
  };
  const cached = async (url: string) => new Uint8Array(await readFile(pathOf(url))).slice();
  const keep = async (url: string, bytes: Uint8Array) => {
    try {
      const path = pathOf(url);
      await mkdir(join(path, '..'), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    } catch {
      // A read-only or full disk: the download still counts, it is just not kept.
    }
  };
  const download = async (url: string): Promise<Uint8Array> => {
    // `MPYSYNC_FETCH_LOG=FILE`: every URL asked of the network is appended to FILE (what a test or
    // a cautious school admin checks: nothing but the index is contacted).
    if (process.env.MPYSYNC_FETCH_LOG) appendFileSync(process.env.MPYSYNC_FETCH_LOG, url + '\n');
    const response = await globalThis.fetch(url, { signal: AbortSignal.timeout(FETCH_DEADLINE_MS) }).catch((error: Error) => {
      // Node says only "fetch failed"; the reason is in its cause (ECONNREFUSED, ENOTFOUND, a timeout).
      const cause = (error.cause as Error | undefined)?.message;
      throw new Error(
        error.name === 'TimeoutError' ? `no answer within ${FETCH_DEADLINE_MS / 1000} s` : cause ? `the network failed: ${cause}` : error.message,
      );
    });
    if (!response.ok) throw new FetchFailed(url, response.status);
    const bytes = new Uint8Array(await response.arrayBuffer());
    fetched.push(url);
    // A file named by its hash is kept only when it is that file (resolve.ts says what is wrong).
    const named = BY_HASH.exec(url)?.[1];
    if (!named || toHex(sha256(bytes)).startsWith(named.toLowerCase())) await keep(url, bytes);
    return bytes;
  };
  // Boards installed together ask for the same URLs: each is fetched once per run.
  const inFlight = new Map<string, Promise<Uint8Array>>();
  const fetch: Fetch = (url) => {
    let pending = inFlight.get(url);
    if (!pending) inFlight.set(url, (pending = fetchOnce(url)));
    return pending;
  };
  const fetchOnce = async (url: string): Promise<Uint8Array> => {
    if (BY_HASH.test(url)) {
      // Named by its hash: what is cached is what the index serves (and resolve.ts checks it again).
      const hit = await cached(url).catch(() => null);
      if (hit) {
        fromCache.push(url);
        return hit;
      }
      return download(url);
    }
    try {
      return await download(url);
    } catch (error) {
      if (error instanceof FetchFailed) throw error;
      const hit = await cached(url).catch(() => null);
      if (!hit) throw new Error(`${(error as Error).message}; no copy of it was kept from an earlier install`, { cause: error });
      fromCache.push(url);
      return hit;
    }
  };
  return { fetch, fetched, fromCache };
}
