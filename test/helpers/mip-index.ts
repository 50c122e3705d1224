/**
 * A package index as micropython-lib's build writes it (`tools/build.py`: index.json, package JSONs
 * per `.mpy` major and for `py`, files by the first 8 hex digits of their SHA-256), made in a
 * folder from real `.mpy` files and `.py` sources, for `mpysync install --index`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CORPUS = fileURLToPath(new URL('../fixtures/mpy-corpus/', import.meta.url));

export interface IndexPackage {
  name: string;
  version: string;
  /** The tree: an `.mpy` major, or "py". */
  tree: string;
  files: Array<{ path: string; bytes: Uint8Array; serve?: Uint8Array }>;
  deps?: Array<[string, string]>;
}

const short = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex').slice(0, 8);

export function corpusFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS, name.endsWith('.py') ? 'src' : 'files', name)));
}

/** Writes the index under `<folder>/pi` and returns the folder; a file's `serve` bytes, when given, are what the index serves instead (a corrupted download). */
export function buildIndex(packages: IndexPackage[]): string {
  const root = mkdtempSync(join(tmpdir(), 'mpysync-index-'));
  // Under pi/, as micropython.org/pi/v2 serves it: the index URL is the server's + "pi".
  const put = (path: string, bytes: Uint8Array | string) => {
    mkdirSync(dirname(join(root, 'pi', path)), { recursive: true });
    writeFileSync(join(root, 'pi', path), bytes);
  };
  const versions: Record<string, Record<string, string[]>> = {};
  for (const p of packages) {
    const json = {
      v: 1,
      version: p.version,
      hashes: p.files.map((f) => [f.path, short(f.bytes)]),
      deps: p.deps ?? [],
    };
    for (const f of p.files) put(`file/${short(f.bytes).slice(0, 2)}/${short(f.bytes)}`, f.serve ?? f.bytes);
    put(`package/${p.tree}/${p.name}/${p.version}.json`, JSON.stringify(json));
    put(`package/${p.tree}/${p.name}/latest.json`, JSON.stringify(json));
    ((versions[p.tree] ??= {})[p.name] ??= []).push(p.version);
  }
  put(
    'index.json',
    JSON.stringify({
      v: 2,
      updated: '2026-12-02',
      packages: Object.keys(versions).flatMap((tree) => Object.entries(versions[tree]!).map(([name, v]) => ({ name, versions: { [tree]: v } }))),
    }),
  );
  return root;
}
