/**
 * Which files a board gets for a list of packages, and where: mip's target folder, and every file
 * fetched and checked (resolve.ts) for this board's `.mpy` major. Used by `install` and by a sync
 * of a project that declares `packages`. Pure: the fetching is handed in.
 */
import type { LocalFile } from '../plan/plan.ts';
import { readBoardModules, type BoardModules } from '../plan/board-modules.ts';
import type { BoardProbe } from '../probe/probe.ts';
import type { RawRepl } from '../repl/index.ts';
import { resolvePackages, type Fetch, type ResolvedPackage } from './resolve.ts';

export interface PackageOptions {
  /** What to install: `name[@version]`, `github:org/repo[/path][@ref]`, a URL. */
  specs: readonly string[];
  index: string;
  fetch: Fetch;
  /** The folder on the board; default mip's: the first `sys.path` entry ending in `/lib` and not under `/rom`. */
  target?: string;
}

/**
 * mip's target: the first `sys.path` entry that ends in `/lib` and does not start with `/rom`. A
 * board without one: `/lib` where it has folders, its only folder otherwise (the micro:bit).
 */
export function installTarget(sysPath: readonly string[], hasFolders: boolean): string {
  return sysPath.find((p) => p.endsWith('/lib') && !p.startsWith('/rom')) ?? (hasFolders ? '/lib' : '');
}

/** The packages' files for this board, and where they go; every file fetched and checked before any is sent. */
export async function packageFilesFor(
  repl: RawRepl,
  probe: BoardProbe,
  options: PackageOptions,
): Promise<{ target: string; packages: ResolvedPackage[]; files: LocalFile[]; modules?: BoardModules }> {
  // The board is asked only when the target is not given (its sys.path); the caller may reuse the answer.
  const modules = options.target === undefined ? await readBoardModules(repl) : undefined;
  const target = options.target ?? installTarget(modules!.path, probe.fs.dirs);
  const { packages, files } = await resolvePackages(options.specs, { index: options.index, mpyMajor: probe.mpy?.version ?? null, fetch: options.fetch });
  return { target, packages, files: files.map((f) => ({ relative: f.path, bytes: f.bytes })), modules };
}
