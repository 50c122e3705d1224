/**
 * Installing packages on one board: where they go (mip's rule), which files (resolve.ts, for this
 * board's `.mpy` major), and then the one orchestration of a sync (session/sync-board.ts), so every
 * downloaded file gets the loader's verdict, unchanged files are skipped and every write is as safe
 * as a sync. Pure: the fetching is handed in.
 */
import type { LocalFile } from '../plan/plan.ts';
import { readBoardModules } from '../plan/board-modules.ts';
import type { BoardProbe } from '../probe/probe.ts';
import { probeBoard } from '../probe/probe.ts';
import type { RawRepl } from '../repl/index.ts';
import { emptyReport, syncBoard, type BoardEvent, type BoardSession, type SyncReport } from '../session/sync-board.ts';
import { MpysyncError } from '../errors.ts';
import { resolvePackages, type Fetch, type ResolvedPackage } from './resolve.ts';

export interface PackageOptions {
  /** What to install: `name[@version]`, `github:org/repo[/path][@ref]`, a URL. */
  specs: readonly string[];
  index: string;
  fetch: Fetch;
  /** The folder on the board; default mip's: the first `sys.path` entry ending in `/lib` and not under `/rom`. */
  target?: string;
}

export interface InstallReport extends SyncReport {
  target: string;
  packages: ResolvedPackage[];
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
): Promise<{ target: string; packages: ResolvedPackage[]; files: LocalFile[] }> {
  const target = options.target ?? installTarget((await readBoardModules(repl)).path, probe.fs.dirs);
  const { packages, files } = await resolvePackages(options.specs, { index: options.index, mpyMajor: probe.mpy?.version ?? null, fetch: options.fetch });
  return { target, packages, files: files.map((f) => ({ relative: f.path, bytes: f.bytes })) };
}

/** Probes, resolves and syncs the packages' files into the target. Never throws: failures are in the report. */
export async function installPackages(
  session: BoardSession & { repl: RawRepl },
  options: PackageOptions,
  onEvent: (event: BoardEvent) => void = () => {},
): Promise<InstallReport> {
  let probe: BoardProbe | null = null;
  let resolved;
  try {
    probe = await probeBoard(session.repl);
    onEvent({ type: 'probed', probe });
    resolved = await packageFilesFor(session.repl, probe, options);
  } catch (error) {
    // Nothing was sent: every file is fetched and checked before the first write.
    return {
      ...emptyReport(),
      board: probe,
      firmware: probe && `${probe.implementation.name} ${probe.implementation.version}`,
      abi: probe && (probe.mpy ? probe.mpy.label : 'no .mpy'),
      error: (error as Error).message,
      errorCode: error instanceof MpysyncError ? error.code : 'unexpected',
      target: options.target ?? '',
      packages: [],
    };
  }
  const report = await syncBoard(session, resolved.files, { dest: resolved.target, probe }, onEvent);
  return { ...report, target: resolved.target, packages: resolved.packages };
}
