/**
 * Installing packages on one board: where they go (mip's rule), which files (resolve.ts, for this
 * board's `.mpy` major), and then the one orchestration of a sync (session/sync-board.ts), so every
 * downloaded file gets the loader's verdict, unchanged files are skipped and every write is as safe
 * as a sync. Pure: the fetching is handed in.
 */
import type { BoardProbe } from '../probe/probe.ts';
import { probeBoard } from '../probe/probe.ts';
import type { RawRepl } from '../repl/index.ts';
import { boardIdentity, emptyReport, syncBoard, type BoardEvent, type BoardSession, type SyncReport } from '../session/sync-board.ts';
import { MpysyncError } from '../errors.ts';
import { packageFilesFor, type PackageOptions } from './package-files.ts';

export type { PackageOptions } from './package-files.ts';

export interface InstallReport extends SyncReport {
  target: string;
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
      ...(probe ? boardIdentity(probe) : {}),
      error: (error as Error).message,
      errorCode: error instanceof MpysyncError ? error.code : 'unexpected',
      target: options.target ?? '',
      packages: [],
    };
  }
  const report = await syncBoard(session, resolved.files, { dest: resolved.target, probe }, onEvent);
  return { ...report, target: resolved.target, packages: resolved.packages };
}
