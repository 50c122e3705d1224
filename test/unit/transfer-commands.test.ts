import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateBenchProject } from '../../bench/project.ts';
import { boardHash } from '../../protocol/board-hash.ts';
import type { Plan } from '../../protocol/plan/plan.ts';
import type { BoardProbe } from '../../protocol/probe/probe.ts';
import { pyBytes } from '../../protocol/python/literal.ts';
import { settingsWith } from '../helpers/transfer-settings.ts';
import { dataExpressionLength, writeCleanup, writePrelude } from '../../protocol/transfer/write-program.ts';

const dataLiteral = (data: Uint8Array, asciiOnly: boolean) => pyBytes(data, { asciiOnly });
import { buildCommands, explainBoardError, transferSettings, type Command, type TransferSettings } from '../../protocol/transfer/index.ts';

/** Python's reading of a bytes literal body (the escapes dataLiteral and base64 use). */
function decodeBytesLiteral(text: string, at: number): { bytes: Uint8Array; end: number } {
  if (text.slice(at, at + 2) !== "b'") throw new Error(`no bytes literal at ${at}: ${JSON.stringify(text.slice(at, at + 20))}`);
  const out: number[] = [];
  let i = at + 2;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c)) throw new Error('unterminated literal');
    if (c === 0x27) return { bytes: Uint8Array.from(out), end: i + 1 };
    if (c === 0x0a || c === 0x0d) throw new Error(`raw line end inside a literal at ${i}`);
    if (c !== 0x5c) {
      out.push(c);
      i++;
      continue;
    }
    const e = text[i + 1]!;
    if (e === 'n') (out.push(10), (i += 2));
    else if (e === 'r') (out.push(13), (i += 2));
    else if (e === "'" || e === '\\') (out.push(e.charCodeAt(0)), (i += 2));
    else if (e === 'x') (out.push(parseInt(text.slice(i + 2, i + 4), 16)), (i += 4));
    else if (/[0-7]/.test(e)) {
      let j = i + 1;
      while (j < i + 4 && /[0-7]/.test(text[j] ?? '')) j++;
      out.push(parseInt(text.slice(i + 1, j), 8));
      i = j;
    } else throw new Error(`unexpected escape \\${e}`);
  }
}

function decodeExpression(text: string, at: number): { bytes: Uint8Array; end: number } {
  if (text.startsWith('_a(', at)) {
    const inner = decodeBytesLiteral(text, at + 3);
    return { bytes: new Uint8Array(Buffer.from(new TextDecoder().decode(inner.bytes), 'base64')), end: inner.end + 1 };
  }
  return decodeBytesLiteral(text, at);
}

/**
 * Plays the commands as the board would (only the write steps; the prelude's definitions are
 * skipped) and returns the files that `_fin` accepted, by path, and the tags it printed.
 */
function replay(
  commands: Command[],
  fingerprints: Map<string, string>,
): { files: Map<string, Uint8Array>; done: number[]; largestPiece: number; largestWindow: number } {
  const files = new Map<string, Uint8Array>();
  const done: number[] = [];
  // What the board must find in one free block: the longest data expression, the widest window.
  let largestPiece = 0;
  let largestWindow = 0;
  let open: { temp: string; chunks: Uint8Array[] } | null = null;
  let stream: { bytes: Uint8Array; at: number } | null = null;
  const temps = new Map<string, Uint8Array[]>();
  /** What `_fin` checks before it puts a file in place. */
  const land = (path: string, fingerprint: string, size: number, tag: number, bytes: Uint8Array) => {
    expect(bytes.length).toBe(size);
    expect(fingerprint).toBe(fingerprints.get(path));
    expect(boardHash(bytes, 'sha256')).toBe(fingerprint);
    files.set(path, bytes);
    done.push(tag);
  };
  for (const command of commands) {
    const text = Buffer.from(command.source).toString('latin1');
    const fed = [...command.feed];
    let i = 0;
    while (i < text.length) {
      const lineEnd = (from: number) => (text.indexOf('\n', from) < 0 ? text.length : text.indexOf('\n', from) + 1);
      if (text.startsWith('_w(', i)) {
        // A fed file (FEED_READER): `_r(n)` reads exactly n bytes, the command's next feed segment.
        const [, path, fingerprint, size, tag] = /^_w\('([^']*)','([^']*)',(\d+),(\d+)\)\n/.exec(text.slice(i))!;
        land(path!, fingerprint!, Number(size), Number(tag), Number(size) > 0 ? fed.shift()! : new Uint8Array(0));
        i = lineEnd(i);
      } else if (text.startsWith('_z(', i)) {
        const { bytes, end } = decodeExpression(text, i + 3);
        const bits = Number(/^,(\d+)\)\n/.exec(text.slice(end))![1]);
        largestPiece = Math.max(largestPiece, end - (i + 3));
        largestWindow = Math.max(largestWindow, 2 ** bits);
        stream = { bytes: inflateRawSync(bytes, { windowBits: Math.max(9, bits) }), at: 0 };
        i = lineEnd(end);
      } else if (text.startsWith('_f.write(', i)) {
        const { bytes, end } = decodeExpression(text, i + 9);
        largestPiece = Math.max(largestPiece, end - (i + 9));
        open!.chunks.push(bytes);
        i = lineEnd(end);
      } else if (text.startsWith('_c(', i)) {
        const n = Number(/^_c\((\d+)\)\n/.exec(text.slice(i))![1]);
        open!.chunks.push(stream!.bytes.subarray(stream!.at, stream!.at + n));
        stream!.at += n;
        i = lineEnd(i);
      } else if (text.startsWith('_o(', i)) {
        const temp = /^_o\('([^']*)'\)\n/.exec(text.slice(i))![1]!;
        open = { temp, chunks: [] };
        temps.set(temp, open.chunks);
        i = lineEnd(i);
      } else if (text.startsWith('_fin(', i)) {
        const [, temp, path, fingerprint, size, tag] = /^_fin\('([^']*)','([^']*)','([^']*)',(\d+),(\d+)\)\n/.exec(text.slice(i))!;
        land(path!, fingerprint!, Number(size), Number(tag), new Uint8Array(Buffer.concat(temps.get(temp!)!)));
        i = lineEnd(i);
      } else i = lineEnd(i);
    }
    expect(fed).toEqual([]);
  }
  return { files, done, largestPiece, largestWindow };
}

function planFor(files: Array<{ relative: string; bytes: Uint8Array }>, mkdirs: string[] = []): Plan {
  return {
    dest: '',
    mkdirs,
    substitutions: [],
    blockers: [],
    rmdirs: [],
    notes: [],
    uploadBytes: files.reduce((n, f) => n + f.bytes.length, 0),
    entries: files.map((f) => ({
      action: 'upload',
      file: f.relative,
      remote: f.relative,
      size: f.bytes.length,
      fingerprint: boardHash(f.bytes, 'sha256'),
      reason: 'new',
    })),
  } as Plan;
}

function checkRoundTrip(files: Array<{ relative: string; bytes: Uint8Array }>, settings: TransferSettings): Command[] {
  const plan = planFor(files);
  const commands = buildCommands(plan, new Map(files.map((f) => [f.relative, f.bytes])), settings);
  const {
    files: landed,
    done,
    largestPiece,
    largestWindow,
  } = replay(commands, new Map(plan.entries.map((e) => [(e as { file: string }).file, (e as { fingerprint: string }).fingerprint])));
  expect(done).toEqual(files.map((_, i) => i));
  for (const f of files) expect(Buffer.from(landed.get(f.relative)!).equals(Buffer.from(f.bytes))).toBe(true);
  expect(commands.flatMap((c) => c.finishing.map((f) => f.tag))).toEqual(files.map((_, i) => i));
  // A fragmented heap has only small free blocks: no piece, no window, larger than the bound.
  expect(largestPiece).toBeLessThanOrEqual(settings.pieceBytes);
  expect(largestWindow).toBeLessThanOrEqual(Math.max(512, settings.pieceBytes));
  return commands;
}

const DEFLATE = settingsWith({ windowBits: 15, base64: true });
const BINASCII_ONLY = settingsWith({ base64: true });
const NEITHER = settingsWith({});
const OLD_ASCII = settingsWith({ commandBytes: 4096, programBytes: 4096, asciiOnly: true, base64: true });
const MICROBIT = settingsWith({ commandBytes: 384, programBytes: 384, rename: false, hash: 'adler32' });
const MICROBIT_FEED: TransferSettings = { ...MICROBIT, commandBytes: 565, programBytes: 1813, feed: true, freshHeap: true, rename: false, hash: 'adler32' };
const SMALL_DEFLATE = settingsWith({ commandBytes: 2048, programBytes: 2048, windowBits: 9, base64: true });

describe('pyBytes: the transfer bytes literal', () => {
  it('reads back as the same bytes, is as long as dataExpressionLength says, and holds no raw REPL control byte or line end', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (data, asciiOnly) => {
        const literal = dataLiteral(data, asciiOnly);
        expect(literal.length).toBe(dataExpressionLength(data, 'literal', asciiOnly));
        const { bytes, end } = decodeBytesLiteral(Buffer.from(literal).toString('latin1'), 0);
        expect(end).toBe(literal.length);
        expect([...bytes]).toEqual([...data]);
        for (const b of literal.subarray(2, -1)) {
          expect(b <= 0x05 || b === 0x0a || b === 0x0d).toBe(false);
          if (asciiOnly) expect(b).toBeLessThan(0x7f);
        }
      }),
    );
  });

  it('escapes in two bytes where Python allows, and spells an octal escape in full before a digit', () => {
    const text = (bytes: number[]) => Buffer.from(dataLiteral(Uint8Array.from(bytes), false)).toString('latin1');
    expect(text([0, 1, 0x0a, 0x0d, 0x27, 0x5c, 0xff])).toBe("b'\\0\\1\\n\\r\\'\\\\\xff'");
    expect(text([1, 0x37, 5, 0x38])).toBe("b'\\0017\\58'");
    expect(Buffer.from(dataLiteral(Uint8Array.of(0x7f, 0x80), true)).toString('latin1')).toBe("b'\\x7f\\x80'");
  });
});

describe('buildCommands', () => {
  const project = generateBenchProject(11, { files: 12, bytes: 60_000 });

  it.each([
    ['deflate', DEFLATE],
    ['deflate, 2 KB commands, 512-byte window', SMALL_DEFLATE],
    ['binascii only', BINASCII_ONLY],
    ['neither', NEITHER],
    ['ascii-only literals with binascii', OLD_ASCII],
    ['micro:bit-sized commands', MICROBIT],
    ['micro:bit, files fed on the console', MICROBIT_FEED],
  ])('%s: every file arrives whole and verified, each command within the budget', (_, settings) => {
    const commands = checkRoundTrip(project, settings);
    // A setup-only command may be one prelude definition larger than a micro:bit's budget (_fin: 441 bytes).
    const limit = settings.feed ? settings.programBytes : settings.commandBytes;
    for (const c of commands) if (c.dataBytes > 0 || c.finishing.length) expect(c.source.length).toBeLessThanOrEqual(limit);
    expect(commands.reduce((n, c) => n + c.dataBytes, 0)).toBe(project.reduce((n, f) => n + f.bytes.length, 0));
  });

  it('any set of files (empty ones, 1-byte ones, ones larger than a command) arrives whole', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 5000 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(DEFLATE, SMALL_DEFLATE, NEITHER, OLD_ASCII, MICROBIT, MICROBIT_FEED),
        (contents, settings) => {
          checkRoundTrip(
            contents.map((bytes, i) => ({ relative: `d/f${i}.py`, bytes })),
            settings,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('with deflate, puts many small files into one command as one stream', () => {
    const small = project.slice(0, 8).map((f) => ({ ...f, bytes: f.bytes.subarray(0, 600) }));
    const commands = checkRoundTrip(small, DEFLATE);
    expect(commands).toHaveLength(1);
    const text = Buffer.from(commands[0]!.source).toString('latin1');
    expect(text.split('\n_z(').length - 1).toBe(1);
    expect(text.split('\n_c(').length - 1).toBe(8);
  });

  it('with deflate, a command larger than a piece holds several streams, each within the piece bound', () => {
    const commands = checkRoundTrip(project, DEFLATE);
    const text = Buffer.from(commands[0]!.source).toString('latin1');
    expect(commands[0]!.source.length).toBeGreaterThan(3 * DEFLATE.pieceBytes);
    expect(text.split('\n_z(').length - 1).toBeGreaterThanOrEqual(3);
  });

  it('feeding on the console: no file byte in the programs, several files per command, the files in order', () => {
    const files = project.slice(0, 6);
    const commands = checkRoundTrip(files, MICROBIT_FEED);
    const data = commands.filter((c) => c.feed.length);
    expect(data.length).toBeLessThan(files.length);
    expect(data.flatMap((c) => c.feed)).toEqual(files.map((f) => f.bytes));
    const text = commands.map((c) => Buffer.from(c.source).toString('latin1')).join('');
    expect(text).not.toContain('_f.write(b');
    expect(text).toContain('def _r(n):');
    expect(text.match(/^_w\(/gm)).toHaveLength(files.length);
    expect(text).not.toContain('binascii');
  });

  it('uses base64 only where it is shorter: never for text with raw literals, for binary data when literals must be ASCII', () => {
    const text = project.filter((f) => f.kind === 'text');
    const binary = project.filter((f) => f.kind === 'binary');
    const sources = (files: typeof project, settings: TransferSettings) =>
      buildCommands(planFor(files), new Map(files.map((f) => [f.relative, f.bytes])), settings)
        .map((c) => Buffer.from(c.source).toString('latin1'))
        .join('');
    expect(sources(text, BINASCII_ONLY)).not.toContain("_f.write(_a(b'");
    expect(sources(binary, OLD_ASCII)).toContain("_f.write(_a(b'");
  });

  it('ends the last command by forgetting its helpers', () => {
    const commands = checkRoundTrip(project.slice(0, 2), DEFLATE);
    expect(Buffer.from(commands[commands.length - 1]!.source).toString('latin1')).toMatch(/globals\(\)\.pop\(_n,None\)[\s\S]*gc\.collect\(\)\n$/);
  });

  it('the cleanup forgets exactly the helpers each prelude defines (derived, never listed by hand)', () => {
    const forgotten = (o: Parameters<typeof writePrelude>[0]) =>
      /\(([^)]*)\)/
        .exec(Buffer.from(writeCleanup(writePrelude(o))).toString('latin1'))![1]!
        .replace(/'/g, '')
        .split(',')
        .sort()
        .join(' ');
    expect(forgotten({ deflate: true, base64: true, folders: true, rename: true, hash: 'sha256' })).toBe('_B _D _R _a _c _f _fin _hf _hl _m _mk _o _s _tp _z');
    expect(forgotten({ deflate: false, base64: false, feed: true, folders: false, rename: false, hash: 'adler32' })).toBe(
      '_G _K _T _U _f _fin _hf _o _r _tp _w',
    );
    // Every helper the prelude's own code calls or reads is one it defined, so none is left behind.
    for (const o of [
      { deflate: true, base64: true },
      { deflate: false, base64: true, feed: true, hash: 'adler32' as const, rename: false },
    ]) {
      const prelude = Buffer.from(writePrelude(o)).toString('latin1');
      const used = new Set(prelude.match(/\b_[A-Za-z]\w*/g));
      for (const name of used) expect(forgotten(o).split(' ')).toContain(name);
    }
  });

  // The browser and Node run this same pure code: these bytes are what both must send.
  it('makes exactly these bytes for a small fixed plan', () => {
    const enc = new TextEncoder();
    const files = [
      { relative: 'main.py', bytes: enc.encode("import lib.greet\nprint(lib.greet.hello('board'))\n") },
      { relative: 'lib/greet.py', bytes: enc.encode("def hello(name):\n    return 'hello, ' + name\n") },
      { relative: 'lib/blob.bin', bytes: Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256) },
    ];
    const plan = planFor(files, ['lib']);
    const contents = new Map(files.map((f) => [f.relative, f.bytes]));
    const digest = (settings: TransferSettings) => {
      const commands = buildCommands(plan, contents, settings);
      const hash = createHash('sha256');
      for (const c of commands) hash.update(c.source);
      return { commands: commands.map((c) => c.source.length), sha256: hash.digest('hex') };
    };
    expect(digest(DEFLATE)).toEqual({ commands: [2147], sha256: 'f6c7eb685e6ad96a0deb04b4abac39ea85db241017f1735600ef1f63aa561df9' });
    expect(digest(MICROBIT)).toEqual({ commands: [298, 161, 547, 279, 370, 339], sha256: '77bec1f1e044f85aea9142822ea6d85a4e6ee210da4fedaac727520462b1edad' });
    expect(digest(MICROBIT_FEED)).toEqual({ commands: [1751, 401], sha256: '5a4541aeb13fc1724df67339b205389977100ce3613a7529f15d532e60f33db0' });
    // The write steps themselves, readable (everything after the prelude's last definition).
    const tail = Buffer.from(buildCommands(plan, contents, NEITHER)[0]!.source).toString('latin1');
    expect(tail.slice(tail.indexOf("_mk('lib')"), tail.indexOf("_o('lib/blob.bin~mps')"))).toBe(
      "_mk('lib')\n" +
        "_o('main.py~mps')\n" +
        "_f.write(b'import lib.greet\\nprint(lib.greet.hello(\\'board\\'))\\n')\n" +
        "_fin('main.py~mps','main.py','3e1aa0a3bdb5f3e781a0b3300f3944c25fd23fc1683a8056820dc124fa89a318',49,0)\n" +
        "_o('lib/greet.py~mps')\n" +
        "_f.write(b'def hello(name):\\n    return \\'hello, \\' + name\\n')\n" +
        "_fin('lib/greet.py~mps','lib/greet.py','1436ce07092dad469e7657dfc387d6dc7850ba60675473f3247a5d2ecfb87215',45,1)\n",
    );
  });
});

describe('transferSettings', () => {
  const probe = (memFree: number | null, features: Partial<BoardProbe['features']>): BoardProbe =>
    ({
      memFree,
      fs: { rename: true },
      features: { hashlib: true, binascii: true, deflate: true, rawPaste: true, rawBytesLiterals: true, consoleInput: false, compile: true, ...features },
    }) as BoardProbe;

  it('sizes commands and the window by free RAM, and picks the decoders the board has', () => {
    // Windows no wider than a piece (4 KB), however much RAM is free: a fragmented heap has no larger block.
    expect(transferSettings(probe(135_000_000, {}))).toEqual(settingsWith({ windowBits: 12, base64: true }));
    // An ESP32 with ~110 KB free: 18 KB commands of 4 KB pieces.
    expect(transferSettings(probe(110_000, {}))).toEqual(settingsWith({ commandBytes: 17_992, programBytes: 22_000, windowBits: 12, base64: true }));
    // Firmware without raw-paste (the whole program sits in RAM before it compiles), no decoders.
    expect(transferSettings(probe(5440, { deflate: false, binascii: false, rawPaste: false }))).toEqual(
      settingsWith({ commandBytes: 565, programBytes: 1813, freshHeap: true }),
    );
    // The micro:bit: the same, and its programs can read the console: files are fed as raw bytes.
    expect(transferSettings(probe(5440, { deflate: false, binascii: false, rawPaste: false, consoleInput: true })).feed).toBe(true);
    // deflate beats feeding raw bytes.
    expect(transferSettings(probe(110_000, { consoleInput: true })).feed).toBe(false);
    expect(transferSettings(probe(null, { deflate: false, rawBytesLiterals: false })).asciiOnly).toBe(true);
  });
});

describe('explainBoardError', () => {
  it('says what a full file system means, in each spelling MicroPython has for it, and leaves other errors alone', () => {
    for (const line of ['OSError: 28', 'OSError: [Errno 28] ENOSPC', 'OSError: no more storage space']) {
      expect(explainBoardError(line)).toBe(`${line}: the board's file system is full; remove files from it (mpysync rm) or send fewer`);
    }
    expect(explainBoardError('OSError: [Errno 2] ENOENT')).toBe('OSError: [Errno 2] ENOENT');
    expect(explainBoardError('MemoryError: memory allocation failed')).toBe('MemoryError: memory allocation failed');
  });
});
