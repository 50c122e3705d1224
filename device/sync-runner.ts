import { MpysyncError } from '../protocol/errors';
import { probeAndPlan } from '../protocol/session/probe-and-plan';
import type { Plan } from '../protocol/plan/plan';
import type { BoardProbe } from '../protocol/probe/probe';
import { executePlan, plannedOutcome, type SyncEvent, type SyncOutcome } from '../protocol/transfer';
import { openBoard } from './connect';
import type { Project } from './project-files';

export interface SyncOptions {
  dest: string;
  deleteExtraneous: boolean;
  dryRun: boolean;
  notice?: (message: string) => void;
}

export interface BoardReport extends SyncOutcome {
  port: string;
  ok: boolean;
  /** Why the board could not be synced at all (connection, probe, not enough space). */
  error: string | null;
  errorCode: string | null;
  firmware: string | null;
  abi: string | null;
  board: BoardProbe | null;
  plan: Plan | null;
  wireBytesSent: number;
  roundTrips: number;
  ms: number;
  probeMs: number;
}

const emptyOutcome = (): SyncOutcome => ({ uploaded: [], skipped: [], substituted: [], refused: [], deleted: [], failed: [], payloadBytes: 0 });

/**
 * The main job for one board: connect, probe, index the destination (one round trip), plan,
 * and — unless it is a dry run — carry the plan out. Never throws: a failure is in the report.
 */
export async function syncOneBoard(
  portSpec: string,
  project: Project,
  options: SyncOptions,
  onEvent: (event: SyncEvent) => void = () => {},
): Promise<BoardReport> {
  const started = performance.now();
  const report: BoardReport = {
    port: portSpec,
    ok: false,
    error: null,
    errorCode: null,
    firmware: null,
    abi: null,
    board: null,
    plan: null,
    ...emptyOutcome(),
    wireBytesSent: 0,
    roundTrips: 0,
    ms: 0,
    probeMs: 0,
  };
  let board;
  try {
    board = await openBoard(portSpec, { notice: options.notice });
    report.port = board.label;
    const { probe, plan, probeMs } = await probeAndPlan(board.repl, project.files, { dest: options.dest, deleteExtraneous: options.deleteExtraneous });
    report.probeMs = probeMs;
    report.board = probe;
    report.firmware = `${probe.implementation.name} ${probe.implementation.version}`;
    report.abi = probe.mpy ? probe.mpy.label : 'no .mpy';
    for (const p of project.problems) plan.entries.push({ action: 'refuse', file: p.file, error: null, explanation: `${p.file}: ${p.reason}`, fix: null });
    report.plan = plan;
    if (options.dryRun) {
      Object.assign(report, outcomeFromPlan(plan));
      report.ok = plan.blockers.length === 0;
      if (plan.blockers.length) report.error = plan.blockers.join('; ');
    } else {
      if (plan.blockers.length) throw new MpysyncError('plan-blocked', plan.blockers.join('; '));
      const contents = new Map(project.files.map((f) => [f.relative, f.bytes]));
      try {
        Object.assign(report, await executePlan(board.repl, plan, contents, probe, onEvent));
      } catch (error) {
        throw withRetryAdvice(error, probe.fs.rename);
      }
      report.ok = report.failed.length === 0;
    }
  } catch (error) {
    const outcome = (error as { outcome?: SyncOutcome }).outcome;
    if (outcome) Object.assign(report, outcome);
    report.error = (error as Error).message;
    report.errorCode = error instanceof MpysyncError ? error.code : 'internal';
    report.ok = false;
  } finally {
    if (board) {
      report.wireBytesSent = board.transport.bytesWritten;
      report.roundTrips = board.repl.stats.roundTrips;
      await board.close().catch(() => {});
    }
    report.ms = Math.round(performance.now() - started);
  }
  return report;
}

/**
 * A sync cut short (board gone, reset, silent): say what state the board is in and what to do.
 * Each file is replaced only after its copy was verified, so a rerun finishes the job. Without
 * os.rename (the micro:bit) the verified copy is copied over the old file, which is not atomic.
 */
function withRetryAdvice(error: unknown, atomicRename: boolean): unknown {
  if (!(error instanceof MpysyncError)) return error;
  const state = atomicRename
    ? 'every file on the board is either its old or its new version, never half of one'
    : 'this board has no os.rename, so the file being replaced at that moment may be incomplete';
  error.message =
    error.message.replace(/\.?\s*$/, '.') +
    ` The sync stopped there: ${state}. ` +
    (error.code === 'transport-closed' ? 'Reconnect the board and run the sync again' : 'Run the sync again') +
    ' to send the rest.';
  return error;
}

/** A dry run's report: what the sync would upload and delete, besides what the plan settles. */
function outcomeFromPlan(plan: Plan): SyncOutcome {
  return {
    ...plannedOutcome(plan),
    uploaded: plan.entries.flatMap((e) => (e.action === 'upload' ? [e.file] : [])),
    deleted: plan.entries.flatMap((e) => (e.action === 'delete' ? [e.remote] : [])),
  };
}
