/**
 * What a user names to install, read as mip reads it (micropython-lib `mip`, mpremote `mip.py`):
 * `name[@version]` from an index, `github:org/repo[/path][@ref]` (also gitlab:, codeberg:), or a
 * URL to a package.json. Pure: no I/O.
 */
import { MpysyncError } from '../errors.ts';

export const DEFAULT_INDEX = 'https://micropython.org/pi/v2';

export type PackageRef =
  | { kind: 'index'; name: string; version: string }
  /** A package.json (or a single .py/.mpy file) at a URL. */
  | { kind: 'url'; url: string; version: string | null };

export class PackageSpecError extends MpysyncError {
  override name = 'PackageSpecError';
  constructor(spec: string, why: string) {
    super('package-spec', `cannot install "${spec}": ${why}`);
  }
}

const HOSTS: Record<string, (repo: string, ref: string, path: string) => string> = {
  github: (repo, ref, path) => `https://raw.githubusercontent.com/${repo}/${ref}/${path}`,
  gitlab: (repo, ref, path) => `https://gitlab.com/${repo}/-/raw/${ref}/${path}`,
  codeberg: (repo, ref, path) => `https://codeberg.org/${repo}/raw/branch/${ref}/${path}`,
};

/** `spec` as mip reads it. */
export function parsePackageRef(spec: string): PackageRef {
  const text = spec.trim();
  if (!text) throw new PackageSpecError(spec, 'no package named');
  const host = /^(github|gitlab|codeberg):(.+)$/.exec(text);
  if (host) {
    const [path, ref] = splitVersion(host[2]!);
    const parts = path.split('/').filter(Boolean);
    if (parts.length < 2) throw new PackageSpecError(spec, `give ${host[1]}:ORG/REPO[/PATH][@REF]`);
    const repo = parts.slice(0, 2).join('/');
    const inside = parts.slice(2).join('/');
    // As mip: a path to a .py or .json file is that file; anything else is a folder with a package.json.
    const file = /\.(py|mpy|json)$/.test(inside) ? inside : [inside, 'package.json'].filter(Boolean).join('/');
    return { kind: 'url', url: HOSTS[host[1]!]!(repo, ref ?? 'HEAD', file), version: ref };
  }
  if (/^https?:\/\//.test(text)) return { kind: 'url', url: text, version: null };
  const [name, version] = splitVersion(text);
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new PackageSpecError(spec, 'a package name has only letters, digits, "_", "." and "-"');
  return { kind: 'index', name, version: version ?? 'latest' };
}

function splitVersion(text: string): [string, string | null] {
  const at = text.lastIndexOf('@');
  if (at <= 0) return [text, null];
  return [text.slice(0, at), text.slice(at + 1) || null];
}

/** `{index}/package/{mpy major or "py"}/{name}/{version}.json` (mip's rule). */
export function packageJsonUrl(index: string, mpyMajor: number | null, name: string, version: string): string {
  return `${index.replace(/\/+$/, '')}/package/${mpyMajor ?? 'py'}/${name}/${version}.json`;
}

/** `{index}/file/{hash[:2]}/{hash}`: a file of the index, by the hash its package names. */
export function indexFileUrl(index: string, hash: string): string {
  return `${index.replace(/\/+$/, '')}/file/${hash.slice(0, 2)}/${hash}`;
}

/** A `urls` entry of a package.json: github:/gitlab:/codeberg: rewritten, relative URLs resolved against the package's own. */
export function resolveFileUrl(entry: string, packageUrl: string | null, version: string | null): string {
  const host = /^(github|gitlab|codeberg):([^/]+\/[^/]+)\/(.+)$/.exec(entry);
  if (host) return HOSTS[host[1]!]!(host[2]!, version ?? 'HEAD', host[3]!);
  if (/^https?:\/\//.test(entry)) return entry;
  if (!packageUrl) throw new MpysyncError('package-url', `the package's file "${entry}" is a relative URL, and the package has no URL of its own`);
  return new URL(entry, packageUrl).href;
}
