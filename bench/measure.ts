/**
 * One measured sync: the same steps as `mpysync sync` (connect, probe + index in one program,
 * plan, execute), with the link's counters read between them, so the transfer's own bytes can be
 * told apart from the probe's.
 */
import { openBoard } from '../device/connect';
import { probeAndPlan } from '../protocol/session/probe-and-plan';
import type { LocalFile } from '../protocol/plan/plan';
import type { BoardProbe } from '../protocol/probe/probe';
import { executePlan, transferSettings } from '../protocol/transfer';

/** Board features to pretend away, to measure the encodings a lesser board would get. */
export interface FeatureOverride {
  deflate?: false;
  binascii?: false;
  rawBytesLiterals?: false;
  consoleInput?: false;
}

export interface Measurement {
  ok: boolean;
  error: string | null;
  files: number;
  uploaded: number;
  payloadBytes: number;
  /** Every byte written to the port in the session (enter, probe, index, transfer, exit). */
  wireBytesSent: number;
  /** The bytes written by the transfer alone (after the plan was made). */
  transferWireBytes: number;
  roundTrips: number;
  creditWaits: number;
  /** Round trips of the transfer alone: one per command once raw-paste's window is known. */
  transferRoundTrips: number;
  encoding: string;
  ms: number;
  probeMs: number;
}

export async function measureSync(port: string, files: LocalFile[], override: FeatureOverride = {}): Promise<Measurement> {
  const started = performance.now();
  const board = await openBoard(port);
  try {
    const { probe, plan, probeMs } = await probeAndPlan(board.repl, files, { dest: '' });
    const before = board.transport.bytesWritten;
    const roundTripsBefore = board.repl.stats.roundTrips;
    const forced: BoardProbe = { ...probe, features: { ...probe.features, ...override } };
    const settings = transferSettings(forced);
    const contents = new Map(files.map((f) => [f.relative, f.bytes]));
    const outcome = await executePlan(board.repl, plan, contents, forced);
    const transferWireBytes = board.transport.bytesWritten - before;
    await board.close();
    const stats = board.repl.stats;
    return {
      ok: outcome.failed.length === 0 && plan.blockers.length === 0,
      error: outcome.failed.length ? outcome.failed.map((f) => `${f.file}: ${f.error}`).join('; ') : null,
      files: files.length,
      uploaded: outcome.uploaded.length,
      payloadBytes: outcome.payloadBytes,
      wireBytesSent: board.transport.bytesWritten,
      transferWireBytes,
      roundTrips: stats.roundTrips,
      creditWaits: stats.creditWaits,
      transferRoundTrips: stats.roundTrips - roundTripsBefore,
      encoding: describeEncoding(settings),
      ms: Math.round(performance.now() - started),
      probeMs,
    };
  } catch (error) {
    await board.close();
    throw error;
  }
}

function describeEncoding(settings: ReturnType<typeof transferSettings>): string {
  const parts = settings.feed
    ? ['fed raw on the console']
    : [
        settings.windowBits !== null ? `deflate w${settings.windowBits}` : null,
        settings.base64 ? 'base64' : null,
        settings.asciiOnly ? 'ascii literal' : 'raw literal',
      ];
  return parts.filter(Boolean).join(' / ') + ` · ${settings.commandBytes} B commands`;
}
