import { MpysyncError } from '../protocol/errors.ts';
import { emptyReport, syncBoard, type BoardEvent, type SyncBoardOptions, type SyncReport } from '../protocol/session/sync-board.ts';
import { openBoard, type OpenedBoard } from './connect.ts';
import type { Project } from './project-files.ts';

export interface SyncOptions extends Omit<SyncBoardOptions, 'problems' | 'probe' | 'plan'> {
  notice?: (message: string) => void;
}

/** One board's result, as the CLI prints it: the orchestrator's report and the port it was on. */
export interface BoardReport extends SyncReport {
  port: string;
  /** The roster's name for the board (device/roster.ts), else null. */
  label: string | null;
}

/** Opens the port, runs the one orchestration of a sync (protocol/session/sync-board.ts), closes. Never throws. */
export function syncOneBoard(portSpec: string, project: Project, options: SyncOptions, onEvent: (event: BoardEvent) => void = () => {}): Promise<BoardReport> {
  return onOneBoard(portSpec, options.notice, (board) => syncBoard(board, project.files, { ...options, problems: project.problems }, onEvent), emptyReport);
}

/**
 * Opens the port, runs `work` on it (a sync, an install: anything that reports as a sync does),
 * and closes it; the report gets the port and what the whole connection carried. Never throws:
 * a board that cannot be opened is `unreachable`'s report, with `failed()`'s other fields.
 */
export async function onOneBoard<R extends SyncReport>(
  portSpec: string,
  notice: ((message: string) => void) | undefined,
  work: (board: OpenedBoard) => Promise<R>,
  failed: () => R,
): Promise<R & { port: string; label: string | null }> {
  const started = performance.now();
  let board;
  try {
    board = await openBoard(portSpec, { notice });
  } catch (error) {
    return { ...failed(), ...unreachable(error), port: portSpec, label: null, ms: Math.round(performance.now() - started) };
  }
  try {
    const report = await work(board);
    // The whole connection counts, entering the raw REPL included (what the user's link carried).
    const { bytesWritten } = board.transport;
    return {
      ...report,
      port: board.label,
      label: null,
      wireBytesSent: bytesWritten,
      roundTrips: board.repl.stats.roundTrips,
      ms: Math.round(performance.now() - started),
    };
  } finally {
    await board.close().catch(() => {});
  }
}

/** The report of a board that could not be opened. */
function unreachable(error: unknown): SyncReport {
  return { ...emptyReport(), error: (error as Error).message, errorCode: error instanceof MpysyncError ? error.code : 'internal' };
}
