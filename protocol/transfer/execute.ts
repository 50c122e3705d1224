import { MpysyncError } from '../errors.ts';

/** What explainBoardError says of ENOSPC (replies.ts). */
const FULL = /file system is full/;
const NOT_SENT_FULL = "not sent: the board's file system was full before this file's turn";
/** How often progress is told while a command's bytes flow (a UI wants several a second, not one per window). */
const PROGRESS_MS = 200;
/** A board error that smaller pieces, a garbage collection or a soft reset can cure. */
const OUT_OF_MEMORY = /the board raised MemoryError/;
/** Files after a failed data command wait for the next try (they are not sent after a board error). */
const notSentAfter = (file: string) => `not sent: the board failed on ${file} first`;
import { remotePath, type Plan, type Substitution } from '../plan/plan.ts';
import type { BoardProbe } from '../probe/probe.ts';
import type { RawRepl } from '../repl/index.ts';
import { CommandCache, preludeOptions, type Command } from './commands.ts';
import { explainBoardError, readCommandReply } from './replies.ts';
import { shrunkAfterMemoryError, transferSettings, type TransferSettings } from './settings.ts';
import { pySource } from '../python/literal.ts';
import { writeCleanup, writePrelude } from './write-program.ts';

/** After a failed command: the file `_o` opened is closed and its temporary copy removed. */
const CLOSE_OPEN_FILE = `try:
 _f.close()
 os.remove(_tp)
except Exception:
 pass
`;

export type SyncEvent =
  | { type: 'start'; files: number; bytes: number }
  | { type: 'file-done'; file: string; remote: string; bytes: number }
  | { type: 'file-failed'; file: string; error: string }
  /** A file is sent again after `error` (damaged on the way, or the board ran out of memory). */
  | { type: 'file-retry'; file: string; error: string }
  | { type: 'progress'; doneBytes: number; totalBytes: number };

export interface SyncOutcome {
  uploaded: string[];
  skipped: string[];
  substituted: Substitution[];
  refused: Array<{ file: string; firmwareError: string | null; summary: string; fix: string | null }>;
  deleted: string[];
  failed: Array<{ file: string; error: string }>;
  /** Files sent again, and why (each try's reason), whether they then arrived or not. */
  retried: Array<{ file: string; error: string }>;
  payloadBytes: number;
}

/** What a plan settles before any byte is sent: skips, substitutions, refusals. */
export function plannedOutcome(plan: Plan): SyncOutcome {
  return {
    uploaded: [],
    skipped: plan.entries.flatMap((e) => (e.action === 'skip' ? [e.file] : [])),
    substituted: plan.substitutions,
    refused: plan.entries.flatMap((e) => (e.action === 'refuse' ? [{ file: e.file, firmwareError: e.firmwareError, summary: e.summary, fix: e.fix }] : [])),
    deleted: [],
    failed: [],
    retried: [],
    payloadBytes: 0,
  };
}

export interface ExecutePlanOptions {
  /** Shared by boards synced together, so one project's commands are compressed once. */
  commandCache?: CommandCache;
}

/**
 * Carries out a plan: folders, deletions, then every upload written to `<name>~mps`, its
 * fingerprint checked on the board, and only then renamed over the old file — so an interrupted
 * transfer leaves the old module or the new one, never half of one.
 */
export async function executePlan(
  repl: RawRepl,
  plan: Plan,
  contents: Map<string, Uint8Array>,
  board: BoardProbe,
  onEvent: (event: SyncEvent) => void = () => {},
  options: ExecutePlanOptions = {},
): Promise<SyncOutcome> {
  if (plan.blockers.length) throw new MpysyncError('plan-blocked', plan.blockers.join('; '));
  const outcome = plannedOutcome(plan);
  const uploads = plan.entries.filter((e) => e.action === 'upload');
  const deletions = plan.entries.flatMap((e) => (e.action === 'delete' ? [e.remote] : []));
  const { rmdirs } = plan;
  if (!uploads.length && !deletions.length && !plan.mkdirs.length && !rmdirs.length) return outcome;

  const totalBytes = plan.uploadBytes;
  onEvent({ type: 'start', files: uploads.length, bytes: totalBytes });
  let doneBytes = 0;
  const cache = options.commandCache ?? new CommandCache(1);
  // Progress counts the file bytes that have gone (a large file moves the bar long before it
  // lands), never goes back, and while bytes flow is told at most every PROGRESS_MS.
  let flowed = 0;
  let shown = 0;
  let lastProgress = 0;
  const progress = (value: number, now = false) => {
    const done = Math.min(totalBytes, Math.max(shown, value));
    if (!now && (done === shown || Date.now() - lastProgress < PROGRESS_MS)) return;
    shown = done;
    lastProgress = Date.now();
    onEvent({ type: 'progress', doneBytes: done, totalBytes });
  };

  /** Runs the commands of `part`; files that landed go into `outcome`, the others come back. */
  const attempt = async (part: Plan, settings: TransferSettings): Promise<Array<{ file: string; error: string }>> => {
    const failed: Array<{ file: string; error: string }> = [];
    const commands = cache.commandsFor(part, contents, settings);
    let lastFailed = false;
    // The link or the board is gone: the files of `rest` fail, and nothing more can be done.
    const abandon = (rest: Command[], error: unknown): Error => {
      for (const c of rest) for (const f of c.finishing) outcome.failed.push({ file: f.file, error: (error as Error).message });
      return Object.assign(error as Error, { outcome });
    };
    if (settings.freshHeap) {
      await repl.freshenHeap().catch((error: unknown) => {
        throw abandon(commands, error);
      });
    }
    for (const [i, command] of commands.entries()) {
      let result;
      try {
        const before = flowed;
        // Within the command, from how much of it has gone (its data travel in proportion).
        const onCodeSent = (sent: number, total: number) => progress(before + Math.floor((command.dataBytes * sent) / Math.max(1, total)));
        result = await repl.exec(command.source, {
          timeoutMs: 30_000,
          onCodeSent,
          feed: command.feed.length ? { segments: command.feed, onFed: (n) => progress(before + n) } : undefined,
        });
      } catch (error) {
        throw abandon(commands.slice(i), error);
      }
      if (i === 0 && part === plan) outcome.deleted.push(...deletions, ...rmdirs.map((d) => d + '/'));
      const boardError = explainBoardError(result.error.trim().split('\n').pop() ?? '');
      const reply = readCommandReply(command, new TextDecoder().decode(result.stdout), boardError);
      for (const f of reply.landed) {
        outcome.uploaded.push(f.file);
        outcome.payloadBytes += f.size;
        doneBytes += f.size;
        onEvent({ type: 'file-done', file: f.file, remote: f.remote, bytes: f.size });
      }
      if (boardError) {
        // A board error stops the files of this command at once: nothing more is sent for a file
        // whose piece failed (its temporary file would have a hole), and the later commands wait
        // for the next try. A full file system stays full: what is left is not sent at all.
        const raised = (file: string) => `mpysync: ${remotePath(part.dest, file)}: the board raised ${boardError}`;
        for (const f of reply.failed) if (f.error === boardError) f.error = raised(f.file);
        const stopped = [...new Set(command.carries)].filter(
          (file) => !reply.landed.some((f) => f.file === file) && !reply.failed.some((f) => f.file === file),
        );
        const failedFile = reply.failed[0]?.file ?? stopped[0];
        failed.push(...reply.failed, ...stopped.map((file) => ({ file, error: raised(file) })));
        if (!command.carries.length) failed.push({ file: '(setup)', error: boardError });
        const later = FULL.test(boardError) ? NOT_SENT_FULL : notSentAfter(failedFile ? remotePath(part.dest, failedFile) : 'an earlier command');
        const said = new Set(failed.map((f) => f.file));
        for (const rest of commands.slice(i + 1)) for (const f of rest.finishing) if (!said.has(f.file)) failed.push({ file: f.file, error: later });
        lastFailed = true;
        break;
      }
      failed.push(...reply.failed);
      lastFailed = false;
      flowed += command.dataBytes;
      progress(Math.max(flowed, doneBytes), true);
    }
    // The last command ends with the cleanup; when it failed, that did not run. The file being
    // written is closed and its temporary copy removed, so nothing half-written stays.
    if (lastFailed)
      await repl.exec(pySource(CLOSE_OPEN_FILE, writeCleanup(writePrelude(preludeOptions(settings, part)))), { timeoutMs: 10_000 }).catch(() => {});
    return failed;
  };

  let settings = transferSettings(board);
  const first = await attempt(plan, settings);
  // Files that did not fit are not tried again: the board is still full.
  const didNotFit = first.filter((f) => FULL.test(f.error) || f.error === NOT_SENT_FULL);
  let failed = first.filter((f) => !didNotFit.includes(f));
  // A file that arrived damaged (a byte lost on a UART, say) or whose command failed is tried
  // again on its own; the old file was never replaced, so trying again is safe. Plain raw mode has
  // no flow control, so boards without raw-paste get one more try. A board that ran out of memory
  // is soft-reset first, which frees what a program left behind (smaller pieces alone ran out
  // again after 3 commands on a heap left in 3 KB pieces: docs/reliability.md), and gets smaller
  // pieces, then smaller still.
  let retries = board.features.rawPaste ? 1 : 2;
  let memoryRetries = 2;
  while (failed.length && !didNotFit.length && !failed.some((f) => f.file === '(setup)')) {
    const outOfMemory = failed.some((f) => OUT_OF_MEMORY.test(f.error));
    if (outOfMemory ? memoryRetries-- <= 0 : retries-- <= 0) break;
    if (outOfMemory) {
      settings = shrunkAfterMemoryError(settings);
      if (memoryRetries === 1) await repl.softReset().catch(() => {});
    }
    for (const f of failed) {
      if (f.error.startsWith('not sent: ')) continue;
      outcome.retried.push(f);
      onEvent({ type: 'file-retry', file: f.file, error: f.error });
    }
    const again = new Set(failed.map((f) => f.file));
    failed = await attempt({ ...plan, entries: uploads.filter((e) => again.has(e.file)), mkdirs: [], rmdirs: [], substitutions: [] }, settings);
  }
  for (const f of [...failed, ...didNotFit]) {
    outcome.failed.push(f);
    onEvent({ type: 'file-failed', file: f.file, error: f.error });
  }
  return outcome;
}
