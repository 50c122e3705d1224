import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { MpysyncError } from '../protocol/errors';

export interface LocalFile {
  /** The path as given (a named file) or as found under a given folder. */
  path: string;
  /** Relative to the folder it was found in; for a named file, its base name. Always '/'-separated. */
  relative: string;
  bytes: Uint8Array;
}

export interface CollectOptions {
  /** Which files found inside folders to keep (named files are always kept). Default: all. */
  include?: (relativePath: string) => boolean;
}

/** A path on the command line that does not exist or cannot be read. */
export class LocalPathError extends MpysyncError {
  override name = 'LocalPathError';
  readonly path: string;
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super('local-path', `${path}: ${detail}`, options);
    this.path = path;
  }
}

/**
 * Reads the named files and, recursively, the files in the named folders (sorted by name, so the
 * order is stable). Symlinked folders are followed once; a loop is not walked again.
 */
export async function collectFiles(paths: string[], options: CollectOptions = {}): Promise<LocalFile[]> {
  const include = options.include ?? (() => true);
  const files: LocalFile[] = [];
  for (const given of paths) {
    const info = await statOrThrow(given);
    if (info.isDirectory()) {
      await walk(given, given, include, files, new Set());
    } else {
      files.push({ path: given, relative: basename(given), bytes: await readOrThrow(given) });
    }
  }
  return files;
}

async function walk(root: string, dir: string, include: (rel: string) => boolean, out: LocalFile[], seen: Set<string>): Promise<void> {
  const real = await realpath(dir).catch((error: unknown) => {
    throw pathError(dir, error);
  });
  if (seen.has(real)) return;
  seen.add(real);
  const entries = await readdir(dir).catch((error: unknown) => {
    throw pathError(dir, error);
  });
  for (const name of entries.sort()) {
    const full = join(dir, name);
    const info = await statOrThrow(full);
    if (info.isDirectory()) {
      await walk(root, full, include, out, seen);
    } else if (info.isFile()) {
      const rel = relative(root, full).split('\\').join('/');
      if (include(rel)) out.push({ path: full, relative: rel, bytes: await readOrThrow(full) });
    }
  }
}

async function statOrThrow(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    throw pathError(path, error);
  }
}

async function readOrThrow(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw pathError(path, error);
  }
}

function pathError(path: string, error: unknown): LocalPathError {
  const code = (error as { code?: string }).code;
  const detail =
    code === 'ENOENT'
      ? 'no such file or folder'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied (cannot read it)'
        : `cannot read it (${code ?? String(error)})`;
  return new LocalPathError(path, detail, { cause: error });
}
