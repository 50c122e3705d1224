import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { MpysyncError } from '../protocol/errors.ts';
import type { LocalFile } from '../protocol/plan/plan.ts';
import { walkProject } from '../protocol/plan/project-walk.ts';
import { nodeTree } from './node-tree.ts';

/** A project file (relative to the folder it was found in; a named file's is its base name) and its path here. */
export interface NamedFile extends LocalFile {
  /** The path as given (a named file) or as found under a given folder. */
  path: string;
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
 * Reads the named files and, recursively, the files in the named folders (the one project walk,
 * without the ignore rules: `check` judges whatever it is pointed at), sorted by name.
 */
export async function collectFiles(paths: string[], options: CollectOptions = {}): Promise<NamedFile[]> {
  const files: NamedFile[] = [];
  for (const given of paths) {
    const info = await statOrThrow(given);
    if (!info.isDirectory()) {
      files.push({ path: given, relative: basename(given), bytes: await readOrThrow(given) });
      continue;
    }
    const walked = await walkProject(await nodeTree(given, { linksOut: true }), { rules: false, include: options.include });
    const problem = walked.problems[0];
    if (problem) throw new LocalPathError(join(given, problem.file), problem.reason);
    for (const f of walked.files) files.push({ ...f, path: join(given, f.relative) });
  }
  return files;
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
