/**
 * One measured sync: the same steps as `mpysync sync` (connect, probe + index in one program,
 * plan, execute), with the link's counters read between them, so the transfer's own bytes can be
 * told apart from the probe's.
 */
import { openBoard } from '../device/connect.ts';
import { syncBoard } from '../protocol/session/sync-board.ts';
import type { LocalFile } from '../protocol/plan/plan.ts';
import type { BoardProbe } from '../protocol/probe/probe.ts';
import { transferSettings, type CommandCache, type TransferSettings } from '../protocol/transfer/index.ts';

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

/** `commandCache`: shared by boards measured together, as `mpysync sync` shares one across its boards. */
export async function measureSync(port: string, files: LocalFile[], override: FeatureOverride = {}, commandCache?: CommandCache): Promise<Measurement> {
  const started = performance.now();
  const board = await openBoard(port);
  const adjustProbe = (probe: BoardProbe): BoardProbe => ({ ...probe, features: { ...probe.features, ...override } });
  try {
    const report = await syncBoard(board, files, { dest: '', adjustProbe, commandCache });
    if (report.error && !report.plan) throw new Error(report.error);
    const stats = board.repl.stats;
    return {
      ok: report.completed,
      error: report.error ?? (report.failed.length ? report.failed.map((f) => `${f.file}: ${f.error}`).join('; ') : null),
      files: files.length,
      uploaded: report.uploaded.length,
      payloadBytes: report.payloadBytes,
      wireBytesSent: board.transport.bytesWritten,
      transferWireBytes: report.transferWireBytes,
      roundTrips: stats.roundTrips,
      creditWaits: stats.creditWaits,
      transferRoundTrips: report.transferRoundTrips,
      encoding: report.board ? describeEncoding(transferSettings(adjustProbe(report.board))) : 'no board',
      ms: Math.round(performance.now() - started),
      probeMs: report.probeMs,
    };
  } finally {
    await board.close();
  }
}

function describeEncoding(settings: TransferSettings): string {
  const parts = settings.feed
    ? ['fed raw on the console']
    : [
        settings.windowBits !== null ? `deflate w${settings.windowBits}` : null,
        settings.base64 ? 'base64' : null,
        settings.asciiOnly ? 'ascii literal' : 'raw literal',
      ];
  return parts.filter(Boolean).join(' / ') + ` · ${settings.commandBytes} B commands`;
}
