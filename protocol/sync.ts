import { deflateRaw, chooseWindowBits } from './codec';
import { MpysyncError } from './errors';
import type { Plan, Substitution } from './plan';
import type { BoardProbe } from './probe';
import { DONE_MARK, stepSource, TEMP_SUFFIX, WRITE_PRELUDE, type WriteStep } from './python/snippets-fs';
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
  /** Largest program sent in one exec, sized by the board's free RAM. */
  commandBytes: number;
  /** Window for raw-deflate chunks, or null when the board has no `deflate` module. */
  windowBits: number | null;
  /** Escape bytes ≥ 0x7f too (firmware whose lexer rejects them in bytes literals). */
  asciiOnly: boolean;
}

export function transferSettings(board: BoardProbe): TransferSettings {
  const mem = board.memFree ?? 16_384;
  return {
    // The literal, the lexer's copy of it and the decoded data are alive at once.
    commandBytes: Math.max(384, Math.min(32 * 1024, Math.floor(mem / 6))),
    windowBits: board.features.deflate ? chooseWindowBits(mem) : null,
    asciiOnly: !board.features.rawBytesLiterals,
  };
}

interface Command {
  source: Uint8Array;
  /** Files whose last step is in this command (they print ('ok', path) when done). */
  finishing: Array<{ file: string; remote: string; size: number; tag: number }>;
  dataBytes: number;
}

/** Splits the plan into programs of at most `commandBytes` (a bigger single chunk goes alone). */
export function buildCommands(plan: Plan, contents: Map<string, Uint8Array>, settings: TransferSettings): Command[] {
  const commands: Command[] = [];
  let current: Command = { source: WRITE_PRELUDE, finishing: [], dataBytes: 0 };
  const add = (step: WriteStep, dataBytes = 0, finishing?: Command['finishing'][number]) => {
    const src = stepSource(step);
    if (current.source.length + src.length > settings.commandBytes && (current.finishing.length || current.dataBytes)) {
      commands.push(current);
      current = { source: new Uint8Array(0), finishing: [], dataBytes: 0 };
    }
    current.source = pySource(current.source, src);
    current.dataBytes += dataBytes;
    if (finishing) current.finishing.push(finishing);
  };
  for (const dir of plan.mkdirs) add({ kind: 'mkdir', path: dir });
  for (const e of plan.entries) if (e.action === 'delete') add({ kind: 'remove', path: e.remote });
  // Raw data per chunk: deflate typically halves it, the literal adds ~10 %.
  let tags = 0;
  const chunkSize = Math.max(128, Math.floor((settings.commandBytes - 64) * (settings.windowBits ? 1.6 : 0.85)));
  for (const e of plan.entries) {
    if (e.action !== 'upload') continue;
    const bytes = contents.get(e.file)!;
    const temp = e.remote + TEMP_SUFFIX;
    add({ kind: 'open', temp });
    for (let off = 0; off < bytes.length || off === 0; off += chunkSize) {
      const raw = bytes.subarray(off, off + chunkSize);
      if (raw.length === 0) break;
      let step: WriteStep = { kind: 'data', bytes: raw, deflatedWindowBits: null, asciiOnly: settings.asciiOnly };
      if (settings.windowBits) {
        const packed = deflateRaw(raw, { windowBits: settings.windowBits });
        if (packed.length < raw.length * 0.95) step = { kind: 'data', bytes: packed, deflatedWindowBits: settings.windowBits, asciiOnly: settings.asciiOnly };
      }
      add(step, raw.length);
    }
    const tag = tags++;
    add({ kind: 'finish', temp, path: e.remote, fingerprint: e.fingerprint, size: e.size, tag }, 0, { file: e.file, remote: e.remote, size: e.size, tag });
  }
  if (current.source.length) commands.push(current);
  return commands;
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
  const outcome: SyncOutcome = {
    uploaded: [],
    skipped: plan.entries.flatMap((e) => (e.action === 'skip' ? [e.file] : [])),
    substituted: plan.substitutions,
    refused: plan.entries.flatMap((e) => (e.action === 'refuse' ? [{ file: e.file, error: e.error, explanation: e.explanation }] : [])),
    deleted: [],
    failed: [],
    payloadBytes: 0,
  };
  const uploads = plan.entries.filter((e) => e.action === 'upload');
  const deletions = plan.entries.flatMap((e) => (e.action === 'delete' ? [e.remote] : []));
  if (!uploads.length && !deletions.length && !plan.mkdirs.length) return outcome;

  const totalBytes = plan.uploadBytes;
  onEvent({ type: 'start', files: uploads.length, bytes: totalBytes });
  let doneBytes = 0;
  const commands = buildCommands(plan, contents, transferSettings(board));
  for (const [i, command] of commands.entries()) {
    let result;
    try {
      result = await repl.exec(command.source, { timeoutMs: 30_000 });
    } catch (error) {
      // The link or the board is gone: nothing more can be done in this session.
      for (const c of commands.slice(i)) for (const f of c.finishing) outcome.failed.push({ file: f.file, error: (error as Error).message });
      throw Object.assign(error as Error, { outcome });
    }
    if (i === 0) outcome.deleted.push(...deletions);
    const done = new Set(
      new TextDecoder()
        .decode(result.stdout)
        .split(/\r?\n/)
        .filter((l) => l.startsWith(DONE_MARK))
        .map((l) => Number(l.slice(DONE_MARK.length))),
    );
    for (const f of command.finishing) {
      if (done.has(f.tag)) {
        outcome.uploaded.push(f.file);
        outcome.payloadBytes += f.size;
        doneBytes += f.size;
        onEvent({ type: 'file-done', file: f.file, remote: f.remote, bytes: f.size });
      } else {
        const error = result.error.trim().split('\n').pop() || 'the board did not confirm the write';
        outcome.failed.push({ file: f.file, error });
        onEvent({ type: 'file-failed', file: f.file, error });
      }
    }
    if (result.error && !command.finishing.length) {
      outcome.failed.push({ file: '(setup)', error: result.error.trim().split('\n').pop() ?? result.error });
    }
    onEvent({ type: 'progress', doneBytes, totalBytes });
  }
  return outcome;
}
