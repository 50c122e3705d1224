import { planSync, remotePath, type LocalFile, type Plan } from './plan';
import { probeBoard, type BoardProbe } from './probe';
import { fetchRemoteIndex } from './remote-index';
import type { RawRepl } from './repl';

export interface PlanOptions {
  /** Destination folder on the board; '' is its current folder. */
  dest: string;
  deleteExtraneous?: boolean;
  /** Reuse a probe made earlier on this connection (saves a round trip). */
  probe?: BoardProbe;
}

/**
 * Probe (unless given) and index the destination — two round trips at most — then plan.
 * The CLI and the web page both call this; neither knows a byte of the protocol.
 */
export async function probeAndPlan(repl: RawRepl, files: LocalFile[], options: PlanOptions): Promise<{ probe: BoardProbe; plan: Plan; probeMs: number }> {
  const started = performance.now();
  const probe = options.probe ?? (await probeBoard(repl));
  const probeMs = options.probe ? 0 : Math.round(performance.now() - started);
  const candidates = new Map(files.map((f) => [remotePath(options.dest, f.relative), f.bytes.length]));
  const index = await fetchRemoteIndex(repl, options.dest, candidates);
  const plan = planSync({ local: files, board: probe, index, dest: options.dest, deleteExtraneous: options.deleteExtraneous });
  return { probe, plan, probeMs };
}
