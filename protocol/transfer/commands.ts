import { deflateRaw, MIN_WINDOW_BITS } from '../codec/index.ts';
import type { Plan } from '../plan/plan.ts';
import { TEMP_SUFFIX } from '../plan/plan.ts';
import { pySource } from '../python/literal.ts';
import type { TransferSettings } from './settings.ts';
import { dataExpressionLength, stepSource, writeCleanup, writePrelude, type DataEncoding, type PreludeOptions, type WriteStep } from './write-program.ts';

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
  const preludeSource = writePrelude(helpers);
  const prelude = topLevelBlocks(preludeSource);
  const cleanup = writeCleanup(preludeSource);
  const setup: WriteStep[] = [
    ...plan.mkdirs.map((path): WriteStep => ({ kind: 'mkdir', path })),
    ...plan.entries.flatMap((e): WriteStep[] => (e.action === 'delete' ? [{ kind: 'remove', path: e.remote }] : [])),
    ...plan.rmdirs.map((path): WriteStep => ({ kind: 'rmdir', path })),
  ];
  for (const src of [...prelude, ...setup.map(stepSource)]) {
    if (headLength + src.length > settings.programBytes && headLength > 0) flushHead();
    head.push(src);
    headLength += src.length;
  }

  const uploads: Upload[] = plan.entries.flatMap((e) =>
    e.action === 'upload'
      ? [{ file: e.file, remote: e.remote, temp: e.remote + TEMP_SUFFIX, fingerprint: e.fingerprint, bytes: contents.get(e.file)!, tag: 0 }]
      : [],
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
      finishing: body.segments.filter((s) => s.end === s.upload.bytes.length).map((s) => finishing(s.upload)),
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
export function preludeOptions(settings: TransferSettings, plan: Plan): PreludeOptions {
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
function fillCommand(
  uploads: Upload[],
  cursor: { upload: number; offset: number },
  room: number,
  costPerByte: number,
  settings: TransferSettings,
): Body | null {
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
 * Commands built once for boards synced together from one project (a classroom get the same plan
 * and settings): a hit needs the same plan, the same settings and the very same content arrays.
 * Owned by whoever syncs the boards together (the CLI's run, the page), never module state.
 */
export class CommandCache {
  private readonly recent: Array<{ key: string; contents: Uint8Array[]; commands: Command[] }> = [];
  constructor(private readonly kept = 4) {}

  commandsFor(plan: Plan, contents: Map<string, Uint8Array>, settings: TransferSettings): Command[] {
    const key = JSON.stringify([
      settings,
      plan.mkdirs,
      plan.rmdirs,
      plan.entries.map((e) => (e.action === 'upload' ? [e.file, e.remote, e.fingerprint] : e.action === 'delete' ? [e.remote] : [])),
    ]);
    const arrays = plan.entries.flatMap((e) => (e.action === 'upload' ? [contents.get(e.file)!] : []));
    const hit = this.recent.find((c) => c.key === key && c.contents.length === arrays.length && c.contents.every((a, i) => a === arrays[i]));
    if (hit) return hit.commands;
    const commands = buildCommands(plan, contents, settings);
    this.recent.unshift({ key, contents: arrays, commands });
    this.recent.length = Math.min(this.recent.length, this.kept);
    return commands;
  }
}
