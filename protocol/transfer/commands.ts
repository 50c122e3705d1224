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
  /** Files with bytes in this command (finishing or not): a board error in it stops them at once. */
  carries: string[];
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
      carries: body.segments.map((s) => s.upload.file),
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
  return { source, finishing: [], carries: [], dataBytes: 0, feed: [] };
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
    pending.carries.push(u.file);
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

/**
 * `bytes` cut into consecutive pieces, each as long as it can be while `measure(piece)` stays within
 * `limit` (a piece of one byte is taken whatever it measures).
 */
function piecesWithin<T>(bytes: Uint8Array, limit: number, measure: (piece: Uint8Array) => { size: number; value: T }): Array<{ length: number; value: T }> {
  const pieces: Array<{ length: number; value: T }> = [];
  let guess = limit;
  for (let start = 0; start < bytes.length;) {
    const remaining = bytes.length - start;
    let length = Math.min(remaining, guess);
    let best: { length: number; value: T; size: number } | null = null;
    let tooMuch = Infinity; // the shortest length known not to fit
    // A few guided guesses: encoded size grows with the length, but not in proportion (compression).
    for (let attempt = 0; attempt < 6; attempt++) {
      const { size, value } = measure(bytes.subarray(start, start + length));
      let next: number;
      if (size <= limit || length === 1) {
        if (!best || length > best.length) best = { length, value, size };
        if (length >= remaining || size >= limit * 0.95) break;
        next = Math.min(remaining, Math.floor((length * limit * 0.97) / Math.max(1, size)));
        if (next >= tooMuch) next = Math.floor((length + tooMuch) / 2);
        if (next <= length) break;
      } else {
        tooMuch = length;
        next = Math.max(1, Math.min(length - 1, Math.floor((length * limit * 0.97) / size)));
        if (best && next <= best.length) break;
      }
      length = next;
    }
    if (!best) {
      // Not one guess fitted: shrink until one does (a single byte always does).
      for (length = Math.max(1, Math.floor(length / 2)); ; length = Math.max(1, Math.floor(length / 2))) {
        const { size, value } = measure(bytes.subarray(start, start + length));
        if (size <= limit || length === 1) {
          best = { length, value, size };
          break;
        }
      }
    }
    pieces.push({ length: best.length, value: best.value });
    // The next piece is guessed from this one's cost per byte.
    guess = Math.max(1, Math.floor((best.length * limit) / Math.max(1, best.size)));
    start += best.length;
  }
  return pieces;
}

/**
 * The program for `segments`: deflate streams, or each piece of data as it is, whichever is
 * shorter. No literal in it is longer than `settings.pieceBytes`, nor any inflate window.
 */
function encodeBody(segments: Segment[], settings: TransferSettings): Body {
  const rawBytes = segments.reduce((n, s) => n + s.end - s.start, 0);
  const limit = settings.pieceBytes;
  const dataSteps = (bytes: Uint8Array): WriteStep[] =>
    piecesWithin(bytes, limit, (piece) => {
      const encoding = cheaperEncoding(piece, settings);
      return { size: dataExpressionLength(piece, encoding, settings.asciiOnly), value: encoding };
    }).reduce<{ at: number; steps: WriteStep[] }>(
      ({ at, steps }, p) => {
        steps.push({ kind: 'data', bytes: bytes.subarray(at, at + p.length), encoding: p.value, asciiOnly: settings.asciiOnly });
        return { at: at + p.length, steps };
      },
      { at: 0, steps: [] },
    ).steps;
  const plain = pySource(
    ...fileSteps(segments, (s, write) => {
      for (const step of dataSteps(s.upload.bytes.subarray(s.start, s.end))) write(step);
    }),
  );
  if (settings.windowBits === null || rawBytes === 0) return { source: plain, segments, rawBytes };

  const raw = pySource(...segments.map((s) => s.upload.bytes.subarray(s.start, s.end)));
  const streams = piecesWithin(raw, limit, (piece) => {
    // No distance in a stream can exceed its length: a smaller window costs the board less RAM.
    // And no window is wider than a piece: it too needs one free block.
    const widest = Math.min(settings.windowBits!, Math.floor(Math.log2(limit)));
    const windowBits = Math.max(MIN_WINDOW_BITS, Math.min(widest, Math.ceil(Math.log2(piece.length))));
    const packed = deflateRaw(piece, { windowBits });
    const encoding = cheaperEncoding(packed, settings);
    const step: WriteStep = { kind: 'stream', bytes: packed, windowBits, encoding, asciiOnly: settings.asciiOnly };
    return { size: dataExpressionLength(packed, encoding, settings.asciiOnly), value: step };
  });
  // Each segment's bytes are copied out of the stream(s) that hold them, each stream started first.
  let stream = 0;
  let leftInStream = streams[0]?.length ?? 0;
  const deflated = pySource(
    streams.length ? stepSource(streams[0]!.value) : new Uint8Array(0),
    ...fileSteps(segments, (s, write) => {
      for (let left = s.end - s.start; left > 0;) {
        if (leftInStream === 0) {
          stream++;
          leftInStream = streams[stream]!.length;
          write(streams[stream]!.value);
        }
        const n = Math.min(left, leftInStream);
        write({ kind: 'copy', bytes: n });
        left -= n;
        leftInStream -= n;
      }
    }),
  );
  return { source: deflated.length < plain.length ? deflated : plain, segments, rawBytes };
}

/** Each segment's steps: its file opened at its start, `data` written, finished at its end. */
function fileSteps(segments: Segment[], data: (s: Segment, write: (step: WriteStep) => void) => void): Uint8Array[] {
  const out: Uint8Array[] = [];
  const write = (step: WriteStep) => out.push(stepSource(step));
  for (const s of segments) {
    if (s.start === 0) write({ kind: 'open', temp: s.upload.temp });
    if (s.end > s.start) data(s, write);
    if (s.end === s.upload.bytes.length) {
      const u = s.upload;
      write({ kind: 'finish', temp: u.temp, path: u.remote, fingerprint: u.fingerprint, size: u.bytes.length, tag: u.tag });
    }
  }
  return out;
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
