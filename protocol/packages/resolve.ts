/**
 * From the packages a user names to the files they put on a board, as mip would choose them: the
 * package JSON for the board's `.mpy` major (or `py`), its `hashes` fetched from the index by hash
 * and checked against it, its `urls`, its `deps`, recursively. Pure: the fetching is handed in (the
 * CLI's goes through a host cache, the page's through the browser).
 */
import { sha256, toHex } from '../codec/index.ts';
import { MpysyncError } from '../errors.ts';
import { indexFileUrl, packageJsonUrl, parsePackageRef, resolveFileUrl, type PackageRef } from './package-ref.ts';

/** Fetches a URL's bytes; rejects with FetchFailed (a status) or any Error (the network). */
export type Fetch = (url: string) => Promise<Uint8Array>;

export class FetchFailed extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`HTTP ${status}`);
  }
}

export class PackageError extends MpysyncError {
  override name = 'PackageError';
  constructor(
    readonly packageName: string,
    readonly url: string,
    why: string,
  ) {
    super('package', `${packageName}: ${why} (${url})`);
  }
}

export interface ResolvedPackage {
  name: string;
  version: string;
  /** Where its JSON came from. */
  url: string;
  /** Its files, relative to the install target. */
  files: string[];
  /** The package that asked for it, or null for one the user named. */
  neededBy: string | null;
}

export interface PackageFile {
  /** Relative to the install target, as the package names it ("umqtt/simple.mpy"). */
  path: string;
  bytes: Uint8Array;
  packageName: string;
}

export interface ResolveOptions {
  index: string;
  /** The board's `.mpy` major (`sys.implementation._mpy & 0xff`), or null for "py" (no `_mpy`). */
  mpyMajor: number | null;
  fetch: Fetch;
}

interface PackageJson {
  version?: string;
  hashes?: Array<[string, string]>;
  urls?: Array<[string, string]>;
  deps?: Array<[string, string?]>;
}

/** Every package `specs` name and their dependencies, with their files' bytes, each checked. */
export async function resolvePackages(specs: readonly string[], options: ResolveOptions): Promise<{ packages: ResolvedPackage[]; files: PackageFile[] }> {
  const packages: ResolvedPackage[] = [];
  const files = new Map<string, PackageFile>();
  const seen = new Set<string>();
  const visit = async (ref: PackageRef, spec: string, neededBy: string | null): Promise<void> => {
    const key = ref.kind === 'index' ? `index:${ref.name}` : `url:${ref.url}`;
    if (seen.has(key)) return;
    seen.add(key);
    const name = ref.kind === 'index' ? ref.name : spec;
    const url = ref.kind === 'index' ? packageJsonUrl(options.index, options.mpyMajor, ref.name, ref.version) : ref.url;
    // A URL to a single module installs that file, as mip does.
    if (ref.kind === 'url' && /\.(py|mpy)$/.test(url)) {
      const bytes = await fetchFor(name, url, options.fetch, 'the file');
      const path = url.slice(url.lastIndexOf('/') + 1);
      files.set(path, { path, bytes, packageName: name });
      packages.push({ name, version: ref.version ?? 'HEAD', url, files: [path], neededBy });
      return;
    }
    const json = parsePackageJson(name, url, await fetchFor(name, url, options.fetch, 'its package JSON', ref, options.mpyMajor));
    const own: string[] = [];
    for (const [path, hash] of json.hashes ?? []) {
      const fileUrl = indexFileUrl(options.index, hash);
      const bytes = await fetchFor(name, fileUrl, options.fetch, `its file ${path}`);
      const actual = toHex(sha256(bytes));
      if (!actual.startsWith(hash.toLowerCase())) {
        throw new PackageError(
          name,
          fileUrl,
          `${path} is not what the package names: its SHA-256 starts ${actual.slice(0, hash.length)}, the package says ${hash}; nothing was installed`,
        );
      }
      files.set(path, { path, bytes, packageName: name });
      own.push(path);
    }
    for (const [path, entry] of json.urls ?? []) {
      const fileUrl = resolveFileUrl(entry, ref.kind === 'url' ? url : null, ref.kind === 'url' ? ref.version : null);
      files.set(path, { path, bytes: await fetchFor(name, fileUrl, options.fetch, `its file ${path}`), packageName: name });
      own.push(path);
    }
    packages.push({ name, version: json.version ?? (ref.kind === 'index' ? ref.version : (ref.version ?? 'HEAD')), url, files: own, neededBy });
    for (const [depName, depVersion] of json.deps ?? []) {
      const depSpec = depVersion && depVersion !== 'latest' ? `${depName}@${depVersion}` : depName;
      await visit(parsePackageRef(depSpec), depSpec, name);
    }
  };
  for (const spec of specs) await visit(parsePackageRef(spec), spec, null);
  return { packages, files: [...files.values()] };
}

function parsePackageJson(name: string, url: string, bytes: Uint8Array): PackageJson {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new PackageError(name, url, 'its package JSON is not JSON');
  }
  const pairs = (value: unknown) =>
    value === undefined || (Array.isArray(value) && value.every((p) => Array.isArray(p) && p.every((s) => typeof s === 'string')));
  const ok =
    typeof json === 'object' && json !== null && pairs((json as PackageJson).hashes) && pairs((json as PackageJson).urls) && pairs((json as PackageJson).deps);
  if (!ok) throw new PackageError(name, url, 'its package JSON is not a mip package (hashes, urls and deps must be lists of string pairs)');
  const unsafe = [...((json as PackageJson).hashes ?? []), ...((json as PackageJson).urls ?? [])].find(
    ([path]) => path.startsWith('/') || path.split('/').includes('..'),
  );
  if (unsafe) throw new PackageError(name, url, `its file "${unsafe[0]}" would land outside the install folder`);
  return json as PackageJson;
}

async function fetchFor(name: string, url: string, fetch: Fetch, what: string, ref?: PackageRef, mpyMajor?: number | null): Promise<Uint8Array> {
  try {
    return await fetch(url);
  } catch (error) {
    if (error instanceof FetchFailed && error.status === 404 && ref?.kind === 'index') {
      const abi = mpyMajor === null || mpyMajor === undefined ? 'plain .py (the board reports no .mpy version)' : `.mpy ${mpyMajor}`;
      throw new PackageError(
        name,
        url,
        `the index has no version "${ref.version}" of it for ${abi}: is the name right, and does the package exist for this firmware?`,
      );
    }
    if (error instanceof FetchFailed) throw new PackageError(name, url, `${what} could not be fetched: the server answered ${error.status}`);
    throw new PackageError(name, url, `${what} could not be fetched: ${(error as Error).message}`);
  }
}
