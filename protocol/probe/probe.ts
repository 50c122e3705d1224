import { MpysyncError } from '../errors.ts';
import { decodeBoardMpy, releasesForMpy, type BoardAbi } from '../mpy/index.ts';
import { parsePyLiteral, type PyValue } from '../python/parse-literal.ts';
import { ID_SNIPPET, PROBE_SNIPPET } from './probe-program.ts';
import { pySource } from '../python/literal.ts';
import { runReadOnly, type ExecMode, type RawRepl } from '../repl/index.ts';

export interface BoardProbe {
  implementation: { name: string; version: string; machine: string | null; build: string | null };
  platform: string;
  /** null: the firmware reports no `_mpy` (no .mpy loading, or older than 1.12). */
  mpy: null | {
    raw: number;
    version: number;
    subVersion: number;
    arch: string;
    archFlags: number;
    label: string;
    releases: string;
  };
  smallIntBits: number;
  fs: { cwd: string | null; total: number | null; free: number | null; blockSize: number | null; dirs: boolean; rename: boolean; stat: boolean };
  memFree: number | null;
  /** `machine.unique_id()` in hex (the chip's serial: on rp2 also its USB serial number), or null where the firmware has none. */
  uniqueId: string | null;
  features: {
    hashlib: boolean;
    binascii: boolean;
    deflate: boolean;
    rawPaste: boolean;
    /** The lexer copies bytes ≥ 0x80 inside a bytes literal verbatim (checked on the board). */
    rawBytesLiterals: boolean;
    /**
     * A program can read raw bytes from the console, Ctrl-C included, without echo: the micro:bit
     * firmware's `microbit.uart` with `micropython.kbd_intr` (transfer/write-program.ts, FEED_READER).
     */
    consoleInput: boolean;
    /** The firmware has `compile()`: the board's own compiler can judge a source without running it (not the micro:bit). */
    compile: boolean;
  };
}

export class ProbeError extends MpysyncError {
  override name = 'ProbeError';
  constructor(message: string) {
    super('probe-failed', message);
  }
}

/**
 * Runs the probe program and decodes what the board said: one round trip, two on a board without
 * raw-paste, where the id is asked apart so as not to weigh on the heap the probe measures.
 */
export async function probeBoard(repl: RawRepl): Promise<BoardProbe> {
  // Right after entering, a board without raw-paste has just been reset: no reset of its own.
  const program = (mode: ExecMode) => (mode === 'raw-paste' ? pySource(PROBE_SNIPPET, ID_SNIPPET) : PROBE_SNIPPET);
  const stdout = await runReadOnly(repl, program, { timeoutMs: 15_000, freshHeapIfPlain: true });
  const probe = parseProbeOutput(stdout, repl.rawPaste === 'supported');
  if (!stdout.includes('uid=')) probe.uniqueId = parseUniqueId(await runReadOnly(repl, ID_SNIPPET, { timeoutMs: 15_000 }));
  return probe;
}

/** The id ID_SNIPPET printed, in hex, or null. */
export function parseUniqueId(stdout: string): string | null {
  const line = stdout.split(/\r?\n/).find((l) => l.startsWith('uid='));
  return line ? hex(parsePyLiteral(line.slice(4).trim())) : null;
}

export function parseProbeOutput(stdout: string, rawPaste: boolean): BoardProbe {
  const fields = new Map<string, PyValue>();
  for (const line of stdout.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    fields.set(line.slice(0, eq), parsePyLiteral(line.slice(eq + 1).trim()));
  }
  const need = (key: string): PyValue => {
    if (!fields.has(key)) throw new ProbeError(`the board's probe reply lacks "${key}"; it said: ${JSON.stringify(stdout.slice(0, 300))}`);
    return fields.get(key)!;
  };
  const str = (v: PyValue): string | null => (typeof v === 'string' ? v : null);
  const num = (v: PyValue): number | null => (typeof v === 'number' ? v : null);
  const versionTuple = need('version');
  const version = Array.isArray(versionTuple)
    ? versionTuple.filter((p) => typeof p === 'number').join('.') + (versionTuple[3] ? `-${String(versionTuple[3])}` : '')
    : String(versionTuple);
  const rawMpy = num(need('mpy'));
  const fsTuple = need('fs');
  const [bsize, frsize, blocks, , bavail] = Array.isArray(fsTuple) ? (fsTuple as number[]) : [];
  const unit = frsize || bsize;
  const abi = rawMpy === null || rawMpy === 0 ? null : decodeBoardMpy(rawMpy);
  return {
    implementation: {
      name: str(need('name')) ?? 'unknown',
      version,
      machine: str(need('machine')),
      build: str(need('build')),
    },
    platform: str(need('platform')) ?? 'unknown',
    mpy: abi && probeMpy(abi),
    smallIntBits: num(need('smallint')) ?? 31,
    fs: {
      cwd: str(need('cwd')),
      total: unit && blocks !== undefined ? unit * blocks : null,
      free: unit && bavail !== undefined ? unit * bavail : null,
      blockSize: unit ?? null,
      dirs: need('dirs') === true,
      rename: need('rename') === true,
      stat: need('stat') === true,
    },
    memFree: num(need('memfree')),
    uniqueId: hex(fields.get('uid') ?? null),
    features: {
      hashlib: need('hashlib') === true,
      binascii: need('binascii') === true,
      deflate: need('deflate') === true,
      rawPaste,
      rawBytesLiterals: fields.get('raw8') === true,
      consoleInput: fields.get('conin') === true,
      compile: fields.get('compile') === true,
    },
  };
}

/** `machine.unique_id()`'s bytes in hex (the board prints them as a bytes literal: no code for hex there). */
function hex(value: PyValue): string | null {
  return value instanceof Uint8Array && value.length ? Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('') : null;
}

/** What the probe reports of a board's decoded `_mpy`. */
export function probeMpy(abi: BoardAbi): NonNullable<BoardProbe['mpy']> {
  return {
    raw: abi.raw,
    version: abi.version,
    subVersion: abi.subVersion,
    arch: abi.archName,
    archFlags: abi.archFlags,
    label: abi.label,
    releases: abi.releases || releasesForMpy(abi.version, abi.subVersion),
  };
}
