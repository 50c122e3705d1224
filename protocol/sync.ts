import { chooseWindowBits, deflateRaw, MAX_WINDOW_BITS, MIN_WINDOW_BITS } from './codec';
import { MpysyncError } from './errors';
import type { Plan, Substitution } from './plan';
import type { BoardProbe } from './probe';
import { dataExpressionLength, DONE_MARK, FAIL_MARK, stepSource, TEMP_SUFFIX, writeCleanup, writePrelude, type DataEncoding, type PreludeOptions, type WriteStep } from './python/snippets-fs';
import { pySource } from './python/literal';
import type { RawRepl } from './repl';

export type SyncEvent =
  | { type: 'start'; files: number; bytes: number }
  | { type: 'file-done'; file: string; remote: string; bytes: number }
  | { type: 'file-failed'; file: string; error: string }
  | { type: 'progress'; doneBytes: number; totalBytes: number };

export interface SyncOutcome {
  uploaded: string[];
  skipped: string[];
  substituted: Substitution[];
  refused: Array<{ file: string; error: string | null; explanation: string }>;
  deleted: string[];
  failed: Array<{ file: string; error: string }>;
  payloadBytes: number;
}

/** How files travel, chosen from what the probe found. */
export interface TransferSettings {
  /** Largest program with file data in it sent in one exec, sized by the board's free RAM. */
  commandBytes: number;
  /**
   * Largest program WITHOUT file data (the prelude's definitions, the steps of fed files): no
   * literal and its copies to hold, only the text and what the compiler makes of it.
   */
  programBytes: number;
  /** Largest window for the raw-deflate streams, or null when the board has no `deflate` module. */
  windowBits: number | null;
  /** Escape bytes ≥ 0x7f too (firmware whose lexer rejects them in bytes literals). */
  asciiOnly: boolean;
  /** The board has `binascii`: data goes as base64 wherever that is shorter than its bytes literal. */
  base64: boolean;
  /**
   * Files go as their raw bytes, read by the running program from the console (repl/feed.ts), not
   * as literals in the program: boards whose firmware allows it and that have no `deflate`.
   */
  feed: boolean;
  /**
   * A small board without raw-paste: it holds a whole program in one line buffer before compiling
   * it, and that buffer needs ONE free block. The micro:bit hung (no MemoryError, reset button
   * needed) receiving a 1.8 KB program after the probe and the index had left the heap in pieces.
   * The write commands (and each retry) start with a soft reset: 2 ms there, and main.py does not
   * run in raw mode. (probeAndPlan resets before its first program too.)
   */
  freshHeap: boolean;
  /** The board has `os.rename`; without it `_fin` copies the verified file over the old one. */
  rename: boolean;
  /** The fingerprint the board computes (SHA-256 with hashlib, Adler-32 without), as its index did. */
  hash: 'sha256' | 'adler32';
}

/** Heap the write prelude's functions keep (measured on the micro:bit: 2.1 KB). */
const PRELUDE_HEAP = 2048;

/** Below this much free heap, a board without raw-paste is soft-reset before the write commands. */
const SMALL_HEAP = 32 * 1024;

export function transferSettings(board: BoardProbe): TransferSettings {
  const mem = board.memFree ?? 16_384;
  const freshHeap = !board.features.rawPaste && mem < SMALL_HEAP;
  return {
    // The literal, the lexer's copy of it and the decoded data are alive at once (without
    // raw-paste the whole program text too). On the micro:bit (5.4 KB free, plain raw mode) a
    // sixth of the free heap ran 15 syncs out of 15; a quarter ran out of memory.
    commandBytes: Math.max(384, Math.min(32 * 1024, Math.floor((mem - PRELUDE_HEAP) / 6))),
    // On the micro:bit (5.4 KB free as the probe measures it) programs of definitions and steps
    // of 2.1 and 2.4 KB compiled right after a soft reset and 2.9 KB raised MemoryError: a third
    // of the free heap, on a board just reset (freshHeap).
    programBytes: Math.max(384, Math.min(32 * 1024, Math.floor(mem / (freshHeap ? 3 : 5)))),
    windowBits: board.features.deflate ? streamWindowBits(mem) : null,
    asciiOnly: !board.features.rawBytesLiterals,
    base64: board.features.binascii,
    feed: board.features.consoleInput && !board.features.deflate,
    freshHeap,
    rename: board.fs.rename,
    hash: board.features.hashlib ? 'sha256' : 'adler32',
  };
}

/**
 * The codec's rule (a window of at most 1/8 of the free RAM), carried on past its 4 KB cap up to
 * deflate's 32 KB: a stream here spans many files, where a wider window finds more (on 69 KB of
 * .py, 12 bits gave 0.342 and 15 bits 0.308).
 */
function streamWindowBits(freeRamBytes: number): number {
  let bits = chooseWindowBits(freeRamBytes);
  while (bits < MAX_WINDOW_BITS && 2 ** (bits + 1) <= freeRamBytes / 8) bits++;
  return bits;
}

export interface Command {
  source: Uint8Array;
  /** Files whose last step is in this command (they print `done#<tag>` when done). */
  finishing: Array<{ file: string; remote: string; size: number; tag: number; fingerprint: string }>;
  /** File bytes this command carries (before encoding). */
  dataBytes: number;
  /** Bytes fed to the program while it runs, one segment per `_r` call (settings.feed). */
  feed: Uint8Array[];
}

interface Upload {
  file: string;
  remote: string;
  temp: string;
  fingerprint: string;
  bytes: Uint8Array;
  tag: number;
}

/** A contiguous part of one upload's bytes; the file is opened at 0 and finished at its end. */
interface Segment {
  upload: Upload;
  start: number;
  end: number;
}

interface Body {
  source: Uint8Array;
  segments: Segment[];
  rawBytes: number;
}

/**
 * Splits the plan into programs of at most `settings.commandBytes` each. The first starts with the
 * write prelude, the folders and the deletions; then the uploads follow one another through the
 * commands, several small files per command and a large one across several. On a board with
 * `deflate`, each command carries ONE raw-deflate stream of all its file data (single small files
 * compress poorly; together they compress well), inflated on the board as it is written out.
 * Elsewhere each piece of a file is a bytes literal (or base64, when the board has `binascii` and
 * that is shorter). Deterministic: the same plan and settings give the same bytes, in Node and
 * in a browser.
 */
export function buildCommands(plan: Plan, contents: Map<string, Uint8Array>, settings: TransferSettings): Command[] {
  const commands: Command[] = [];
  const budget = settings.commandBytes;
  let head: Uint8Array[] = [];
  let headLength = 0;
  const flushHead = () => {
    commands.push(programOnly(pySource(...head)));
    head = [];
    headLength = 0;
  };
  // The prelude goes whole where it fits; a board with a few KB of heap (the micro:bit, whose plain
  // raw REPL holds the whole program before compiling it) gets it a few definitions at a time.
  const helpers = preludeOptions(settings, plan);
  const prelude = topLevelBlocks(writePrelude(helpers));
  const cleanup = writeCleanup(helpers);
  const setup: WriteStep[] = [
    ...plan.mkdirs.map((path): WriteStep => ({ kind: 'mkdir', path })),
    ...plan.entries.flatMap((e): WriteStep[] => (e.action === 'delete' ? [{ kind: 'remove', path: e.remote }] : [])),
  ];
  for (const src of [...prelude, ...setup.map(stepSource)]) {
    if (headLength + src.length > settings.programBytes && headLength > 0) flushHead();
    head.push(src);
    headLength += src.length;
  }

  const uploads: Upload[] = plan.entries.flatMap((e) =>
    e.action === 'upload' ? [{ file: e.file, remote: e.remote, temp: e.remote + TEMP_SUFFIX, fingerprint: e.fingerprint, bytes: contents.get(e.file)!, tag: 0 }] : [],
  );
  uploads.forEach((u, i) => (u.tag = i));
  if (settings.feed && uploads.length) {
    commands.push(...fedCommands(uploads, pySource(...head), settings.programBytes));
    head = [];
    headLength = 0;
  }
  const cursor = { upload: 0, offset: 0 };
  // Encoded bytes per file byte, learned from the previous command; a first guess before that.
  let costPerByte = settings.windowBits !== null ? 0.6 : 1.15;
  while (!settings.feed && cursor.upload < uploads.length) {
    let body = fillCommand(uploads, cursor, budget - headLength, costPerByte, settings);
    if (!body && headLength > 0) {
      flushHead();
      continue;
    }
    // Not even the smallest piece fits an empty command: send one anyway (a tiny board, a long name).
    body ??= encodeBody(takeSegments(uploads, cursor, 1), settings);
    if (body.rawBytes > 0) costPerByte = Math.max(0.05, body.source.length / body.rawBytes);
    const last = body.segments[body.segments.length - 1]!;
    cursor.upload = uploads.indexOf(last.upload);
    cursor.offset = last.end;
    if (last.end === last.upload.bytes.length) {
      cursor.upload++;
      cursor.offset = 0;
    }
    commands.push({
      source: pySource(...head, body.source),
      finishing: body.segments
        .filter((s) => s.end === s.upload.bytes.length)
        .map((s) => finishing(s.upload)),
      dataBytes: body.rawBytes,
      feed: [],
    });
    head = [];
    headLength = 0;
  }
  if (headLength > 0) flushHead();
  const last = commands[commands.length - 1];
  if (last) {
    const room = last.dataBytes > 0 && !settings.feed ? budget : settings.programBytes;
    if (last.source.length + cleanup.length <= room) last.source = pySource(last.source, cleanup);
    else commands.push(programOnly(cleanup));
  }
  return commands;
}

/** A command that writes no file (helpers, folders, deletions, the cleanup). */
function programOnly(source: Uint8Array): Command {
  return { source, finishing: [], dataBytes: 0, feed: [] };
}

/** What a command that finishes `u` reports about it. */
function finishing(u: Upload): Command['finishing'][number] {
  return { file: u.file, remote: u.remote, size: u.bytes.length, tag: u.tag, fingerprint: u.fingerprint };
}

/** The helpers the commands for `plan` need on this board. */
function preludeOptions(settings: TransferSettings, plan: Plan): PreludeOptions {
  return {
    deflate: settings.windowBits !== null,
    base64: settings.base64 && !settings.feed,
    feed: settings.feed,
    folders: plan.mkdirs.length > 0,
    rename: settings.rename,
    hash: settings.hash,
  };
}

/**
 * The commands for files fed on the console (settings.feed): their data is not in the programs, so
 * a command holds as many files' steps as `programBytes` allows, the first after `head`.
 */
function fedCommands(uploads: Upload[], head: Uint8Array, programBytes: number): Command[] {
  const commands: Command[] = [];
  let pending = programOnly(head);
  for (const u of uploads) {
    const steps = stepSource({ kind: 'fed', path: u.remote, fingerprint: u.fingerprint, size: u.bytes.length, tag: u.tag });
    if (pending.source.length + steps.length > programBytes && pending.source.length > 0) {
      commands.push(pending);
      pending = programOnly(new Uint8Array(0));
    }
    pending.source = pySource(pending.source, steps);
    pending.finishing.push(finishing(u));
    pending.dataBytes += u.bytes.length;
    if (u.bytes.length > 0) pending.feed.push(u.bytes);
  }
  commands.push(pending);
  return commands;
}

/** A program cut into its top-level statements (a `def` or `try` with everything indented under it). */
function topLevelBlocks(source: Uint8Array): Uint8Array[] {
  const text = new TextDecoder().decode(source);
  const blocks: string[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    const continues = /^[ \t]/.test(line) || /^(except|else|elif|finally)\b/.test(line);
    if (continues && blocks.length) blocks[blocks.length - 1] += line;
    else blocks.push(line);
  }
  return blocks.map((b) => pySource(b));
}

/**
 * The most file data from `cursor` on whose encoding fits in `room` bytes, or null when not even one
 * byte does. Encoded size grows with the data but not in proportion (compression), so the amount is
 * found by a few guided guesses, starting from the last command's cost per byte.
 */
function fillCommand(uploads: Upload[], cursor: { upload: number; offset: number }, room: number, costPerByte: number, settings: TransferSettings): Body | null {
  if (room <= 0) return null;
  const remaining = uploads.slice(cursor.upload).reduce((n, u) => n + u.bytes.length, 0) - cursor.offset;
  let target = Math.max(1, Math.min(remaining, Math.floor((room * 0.95) / costPerByte)));
  let best: Body | null = null;
  let tooMuch = Infinity; // the smallest amount known not to fit
  for (let attempt = 0; attempt < 8; attempt++) {
    const body = encodeBody(takeSegments(uploads, cursor, target), settings);
    const size = body.source.length;
    let next: number;
    if (size <= room) {
      if (!best || body.rawBytes > best.rawBytes) best = body;
      if (target >= remaining || size >= room * 0.95) break;
      next = Math.min(remaining, Math.floor((target * room * 0.98) / size));
      if (next >= tooMuch) next = Math.floor((target + tooMuch) / 2);
      if (next <= target) break;
    } else {
      tooMuch = target;
      if (target <= 1) break;
      next = Math.min(target - 1, Math.floor((target * room * 0.97) / size));
      if (best && next <= best.rawBytes) break;
      next = Math.max(1, next);
    }
    target = next;
  }
  return best;
}

/** Segments holding the next `amount` bytes from `cursor` (files of 0 bytes ride along when reached). */
function takeSegments(uploads: Upload[], cursor: { upload: number; offset: number }, amount: number): Segment[] {
  const segments: Segment[] = [];
  let left = amount;
  let offset = cursor.offset;
  for (let i = cursor.upload; i < uploads.length; i++, offset = 0) {
    const upload = uploads[i]!;
    if (left === 0 && upload.bytes.length > 0) break;
    const end = Math.min(upload.bytes.length, offset + left);
    segments.push({ upload, start: offset, end });
    left -= end - offset;
    if (end < upload.bytes.length) break;
  }
  return segments;
}

/** The cheaper of a bytes literal and base64 (when the board decodes it) for `data`. */
function cheaperEncoding(data: Uint8Array, settings: TransferSettings): DataEncoding {
  if (!settings.base64) return 'literal';
  return dataExpressionLength(data, 'base64', settings.asciiOnly) < dataExpressionLength(data, 'literal', settings.asciiOnly) ? 'base64' : 'literal';
}

/** The program for `segments`: one deflate stream for all, or each piece as it is, whichever is shorter. */
function encodeBody(segments: Segment[], settings: TransferSettings): Body {
  const rawBytes = segments.reduce((n, s) => n + s.end - s.start, 0);
  const fileSteps = (data: (s: Segment) => WriteStep | null): Uint8Array[] =>
    segments.flatMap((s) => {
      const steps: WriteStep[] = [];
      if (s.start === 0) steps.push({ kind: 'open', temp: s.upload.temp });
      const d = s.end > s.start ? data(s) : null;
      if (d) steps.push(d);
      if (s.end === s.upload.bytes.length) {
        const u = s.upload;
        steps.push({ kind: 'finish', temp: u.temp, path: u.remote, fingerprint: u.fingerprint, size: u.bytes.length, tag: u.tag });
      }
      return steps.map(stepSource);
    });
  const plain = pySource(
    ...fileSteps((s) => {
      const bytes = s.upload.bytes.subarray(s.start, s.end);
      return { kind: 'data', bytes, encoding: cheaperEncoding(bytes, settings), asciiOnly: settings.asciiOnly };
    }),
  );
  if (settings.windowBits === null || rawBytes === 0) return { source: plain, segments, rawBytes };

  const raw = pySource(...segments.map((s) => s.upload.bytes.subarray(s.start, s.end)));
  // No distance in the stream can exceed its length: a smaller window costs the board less RAM.
  const windowBits = Math.max(MIN_WINDOW_BITS, Math.min(settings.windowBits, Math.ceil(Math.log2(raw.length))));
  const packed = deflateRaw(raw, { windowBits });
  const stream: WriteStep = { kind: 'stream', bytes: packed, windowBits, encoding: cheaperEncoding(packed, settings), asciiOnly: settings.asciiOnly };
  const deflated = pySource(stepSource(stream), ...fileSteps((s) => ({ kind: 'copy', bytes: s.end - s.start })));
  return { source: deflated.length < plain.length ? deflated : plain, segments, rawBytes };
}

/**
 * Boards synced together from one project (a classroom) get the same plan and settings, so the
 * commands are built (compressed) once for all. A hit needs the same plan, the same settings and
 * the very same content arrays; the plan's fingerprints are of those contents.
 */
const recentCommands: Array<{ key: string; contents: Uint8Array[]; commands: Command[] }> = [];
const RECENT_COMMANDS_KEPT = 4;

function commandsFor(plan: Plan, contents: Map<string, Uint8Array>, settings: TransferSettings): Command[] {
  const key = JSON.stringify([settings, plan.mkdirs, plan.entries.map((e) => (e.action === 'upload' ? [e.file, e.remote, e.fingerprint] : e.action === 'delete' ? [e.remote] : []))]);
  const arrays = plan.entries.flatMap((e) => (e.action === 'upload' ? [contents.get(e.file)!] : []));
  const hit = recentCommands.find((c) => c.key === key && c.contents.length === arrays.length && c.contents.every((a, i) => a === arrays[i]));
  if (hit) return hit.commands;
  const commands = buildCommands(plan, contents, settings);
  recentCommands.unshift({ key, contents: arrays, commands });
  recentCommands.length = Math.min(recentCommands.length, RECENT_COMMANDS_KEPT);
  return commands;
}

/** `fail#<tag>:<kind>:<detail>` (see FAIL_MARK) as its parts. */
function splitFailLine(line: string): [number, string, string] {
  const [tag, kind, ...detail] = line.slice(FAIL_MARK.length).split(':');
  return [Number(tag), kind ?? '', detail.join(':')];
}

/** What `_fin` reported for a file, in words. */
export function describeFailure(file: { remote: string; fingerprint: string }, kind: string, detail: string): string {
  if (kind === 'damaged') return `mpysync: ${file.remote} arrived damaged (fingerprint ${detail}, expected ${file.fingerprint}); nothing was replaced`;
  if (kind === 'place') {
    return (
      `mpysync: ${file.remote} could not be put in place (${explainBoardError('OSError: ' + detail.trim())}); without os.rename the board ` +
      `needs room for two copies while a file lands, and ${file.remote} was removed rather than left half-written`
    );
  }
  if (kind === 'copied') {
    return (
      `mpysync: ${file.remote} was damaged while the board copied it into place (fingerprint ${detail}, expected ${file.fingerprint}) ` +
      `and was removed; this board's file system is unreliable when much rewritten or nearly full: sync again, and keep part of it free`
    );
  }
  return `mpysync: ${file.remote}: ${kind}${detail ? ': ' + detail : ''}`;
}

/** The board's last traceback line, with what a user can do about the errors that say little. */
export function explainBoardError(line: string): string {
  if (/^OSError: (28|\[Errno 28\].*|no more storage space)\s*$/.test(line.trim())) {
    return `${line.trim()}: the board's file system is full; remove files from it (mpysync rm) or send fewer`;
  }
  return line;
}

/** What a plan settles before any byte is sent: skips, substitutions, refusals. */
export function plannedOutcome(plan: Plan): SyncOutcome {
  return {
    uploaded: [],
    skipped: plan.entries.flatMap((e) => (e.action === 'skip' ? [e.file] : [])),
    substituted: plan.substitutions,
    refused: plan.entries.flatMap((e) => (e.action === 'refuse' ? [{ file: e.file, error: e.error, explanation: e.explanation }] : [])),
    deleted: [],
    failed: [],
    payloadBytes: 0,
  };
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
): Promise<SyncOutcome> {
  if (plan.blockers.length) throw new MpysyncError('plan-blocked', plan.blockers.join('; '));
  const outcome = plannedOutcome(plan);
  const uploads = plan.entries.filter((e) => e.action === 'upload');
  const deletions = plan.entries.flatMap((e) => (e.action === 'delete' ? [e.remote] : []));
  if (!uploads.length && !deletions.length && !plan.mkdirs.length) return outcome;

  const totalBytes = plan.uploadBytes;
  onEvent({ type: 'start', files: uploads.length, bytes: totalBytes });
  let doneBytes = 0;
  const settings = transferSettings(board);

  /** Runs the commands of `part`; files that landed go into `outcome`, the others come back. */
  const attempt = async (part: Plan): Promise<Array<{ file: string; error: string }>> => {
    const failed: Array<{ file: string; error: string }> = [];
    const commands = commandsFor(part, contents, settings);
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
        const fed = doneBytes;
        result = await repl.exec(command.source, {
          timeoutMs: 30_000,
          feed: command.feed.length ? { segments: command.feed, onFed: (n) => onEvent({ type: 'progress', doneBytes: Math.min(totalBytes, fed + n), totalBytes }) } : undefined,
        });
      } catch (error) {
        throw abandon(commands.slice(i), error);
      }
      if (i === 0 && part === plan) outcome.deleted.push(...deletions);
      const lines = new TextDecoder().decode(result.stdout).split(/\r?\n/);
      const done = new Set(lines.filter((l) => l.startsWith(DONE_MARK)).map((l) => Number(l.slice(DONE_MARK.length))));
      const damaged = new Map(
        lines.filter((l) => l.startsWith(FAIL_MARK)).map((l) => {
          const [tag, kind, detail] = splitFailLine(l);
          const f = command.finishing.find((c) => c.tag === tag);
          return [tag, f ? describeFailure(f, kind, detail) : `mpysync: ${l}`] as const;
        }),
      );
      const boardError = explainBoardError(result.error.trim().split('\n').pop() ?? '');
      for (const f of command.finishing) {
        if (done.has(f.tag)) {
          outcome.uploaded.push(f.file);
          outcome.payloadBytes += f.size;
          doneBytes += f.size;
          onEvent({ type: 'file-done', file: f.file, remote: f.remote, bytes: f.size });
        } else {
          failed.push({ file: f.file, error: damaged.get(f.tag) ?? (boardError || 'the board did not confirm the write') });
        }
      }
      // A failed data command is reported with its file, when that file's last step comes.
      if (boardError && !command.finishing.length && command.dataBytes === 0) failed.push({ file: '(setup)', error: boardError });
      lastFailed = boardError !== '';
      onEvent({ type: 'progress', doneBytes, totalBytes });
    }
    // The last command ends with the cleanup; when it failed, that did not run.
    if (lastFailed) await repl.exec(writeCleanup(preludeOptions(settings, part)), { timeoutMs: 10_000 }).catch(() => {});
    return failed;
  };

  let failed = await attempt(plan);
  // A file that arrived damaged (a byte lost on a UART, say) or whose command failed is tried
  // again on its own; the old file was never replaced, so trying again is safe. Plain raw mode has
  // no flow control, so boards without raw-paste get one more try.
  for (let retries = board.features.rawPaste ? 1 : 2; retries > 0 && failed.length; retries--) {
    const again = new Set(failed.map((f) => f.file));
    if (again.has('(setup)')) break;
    failed = await attempt({ ...plan, entries: uploads.filter((e) => again.has(e.file)), mkdirs: [], substitutions: [] });
  }
  for (const f of failed) {
    outcome.failed.push(f);
    onEvent({ type: 'file-failed', file: f.file, error: f.error });
  }
  return outcome;
}
