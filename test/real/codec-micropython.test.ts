/**
 * The host's codecs against real MicroPython (v1.27.0, the WebAssembly port, loaded in-process):
 * what deflateRaw makes, `deflate.DeflateIO(stream, deflate.RAW, wbits)` must inflate, and what
 * base64Encode makes, `binascii.a2b_base64` must decode, each checked with the board's own
 * `hashlib.sha256` against ours.
 *
 * What DeflateIO's wbits means on MicroPython (extmod/moddeflate.c + lib/uzlib, and measured below):
 * - the decoder allocates a ring buffer of exactly 2^wbits bytes on the first read (plus about
 *   1.4 KB of decoder state whatever the window), and fails with `OSError: [Errno 22] EINVAL`
 *   on a distance larger than 2^wbits; a distance of exactly 2^wbits works;
 * - wbits 5..15 are accepted (32 bytes to 32 KB), anything else raises `ValueError: wbits`;
 *   leaving wbits out (or 0) with RAW means 8. So the smallest usable window is 2^5 = 32 bytes,
 *   but deflateRaw (like zlib) stays at 8 or more: below 256 bytes there is little left to gain
 *   in RAM and much to lose in ratio.
 *
 * On this build `binascii` is micropython-lib's pure-Python module (`binascii.py`), whose
 * a2b_base64 takes bytes only (a str raises `TypeError: can't convert str to int`); the C module
 * of other ports takes both. So the board side always passes bytes.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMicroPython, type MicroPython } from '@micropython/micropython-webassembly-pyscript';
import { base64Encode, deflateRaw, sha256, toHex } from '../../protocol/codec/index.ts';

const BOARD_HELPERS = `
import deflate, hashlib, binascii, io, gc

def inflated_digest(stream, wbits, piece):
    d = deflate.DeflateIO(stream, deflate.RAW) if wbits is None else deflate.DeflateIO(stream, deflate.RAW, wbits)
    h = hashlib.sha256()
    n = 0
    while True:
        chunk = d.read(piece)
        if not chunk:
            break
        h.update(chunk)
        n += len(chunk)
    return n, binascii.hexlify(h.digest()).decode()

def inflate_file(path, wbits, piece=100):
    with open(path, 'rb') as f:
        print(*inflated_digest(f, wbits, piece))

def inflate_base64_file(path, wbits, piece=100):
    with open(path, 'rb') as f:
        raw = binascii.a2b_base64(f.read())
    print(binascii.hexlify(hashlib.sha256(raw).digest()).decode(), *inflated_digest(io.BytesIO(raw), wbits, piece))

def window_allocation(path, wbits):
    with open(path, 'rb') as f:
        gc.collect()
        before = gc.mem_free()
        d = deflate.DeflateIO(f, deflate.RAW, wbits)
        d.read(1)
        print(before - gc.mem_free())
`;

let board: MicroPython;
const output: string[] = [];

/** Runs code on the board and returns what it printed; a Python exception rejects with its last line. */
function python(code: string): string {
  output.length = 0;
  try {
    board.runPython(code);
  } catch (error) {
    const lines = String((error as Error).message)
      .trim()
      .split('\n');
    throw new Error(lines[lines.length - 1], { cause: error });
  }
  return output.join('\n');
}

let fileNumber = 0;
function putFile(bytes: Uint8Array | string): string {
  const path = `/codec-${fileNumber++}`;
  board.FS.writeFile(path, bytes);
  return path;
}

const FIXTURES = join(import.meta.dirname, '../fixtures/mpy-corpus');
const fixture = (path: string) => new Uint8Array(readFileSync(join(FIXTURES, path)));

function sourceText(): Uint8Array {
  let text = ['fastmath.py', 'greet.py', 'shapes.py'].map((name) => new TextDecoder().decode(fixture(`src/${name}`))).join('\n');
  for (let i = 0; i < 3000; i++) text += `value_${i % 97} = sensor.read(pin${i % 7}, timeout_ms=${(i * 37) % 1000})\n`;
  return new TextEncoder().encode(text);
}

function binaryData(): Uint8Array {
  const data = new Uint8Array(randomBytes(30_000));
  for (let i = 0; i < 100; i++) data.copyWithin(10_000 + i * 150, i * 90, i * 90 + 60); // some repeats to match
  return data;
}

/** A random block twice over: the only way to compress it is one copy from exactly 2^bits back. */
/** A random block repeated once, as far back as zlib reaches with `windowBits` (its window less 262 bytes of lookahead). */
function blockRepeatedAt(windowBits: number): Uint8Array {
  const block = new Uint8Array(randomBytes(2 ** windowBits - 262));
  const data = new Uint8Array(2 * block.length);
  data.set(block);
  data.set(block, block.length);
  return data;
}

beforeAll(async () => {
  board = await loadMicroPython({ stdout: (line) => output.push(String(line)), linebuffer: true });
  python(BOARD_HELPERS);
});

const INPUTS: Array<[string, () => Uint8Array]> = [
  ['text', sourceText],
  ['binary', binaryData],
  ['fixture .mpy (bytecode)', () => fixture('files/shapes.bytecode.v1.27.0.mpy')],
  ['fixture .mpy (native x64)', () => fixture('files/greet.native-x64.v1.27.0.mpy')],
];

describe.each([9, 10, 12, 15])('MicroPython inflates deflateRaw output at windowBits %i', (windowBits) => {
  it.each(INPUTS)('%s, read in 100-byte pieces', (_, make) => {
    const data = make();
    const compressed = deflateRaw(data, { windowBits });
    expect(compressed.length).toBeLessThan(data.length * 1.005 + 16);
    const printed = python(`inflate_file(${JSON.stringify(putFile(compressed))}, ${windowBits})`);
    expect(printed).toBe(`${data.length} ${toHex(sha256(data))}`);
  });

  it.each(INPUTS)('%s, sent as base64 and decoded with binascii.a2b_base64', (_, make) => {
    const data = make();
    const compressed = deflateRaw(data, { windowBits });
    const printed = python(`inflate_base64_file(${JSON.stringify(putFile(base64Encode(compressed)))}, ${windowBits}, 77)`);
    expect(printed).toBe(`${toHex(sha256(compressed))} ${data.length} ${toHex(sha256(data))}`);
  });

  it('reaches back as far as its window allows; one window bit less fails with EINVAL', () => {
    const data = blockRepeatedAt(windowBits);
    const compressed = deflateRaw(data, { windowBits });
    expect(compressed.length).toBeLessThan(data.length * 0.6); // so the copy really is in the stream
    const path = putFile(compressed);
    expect(python(`inflate_file(${JSON.stringify(path)}, ${windowBits})`)).toBe(`${data.length} ${toHex(sha256(data))}`);
    // At 9 bits zlib reaches back 250 bytes at most, which a window of 8 bits still holds.
    if (2 ** windowBits - 262 > 2 ** (windowBits - 1)) {
      expect(() => python(`inflate_file(${JSON.stringify(path)}, ${windowBits - 1})`)).toThrow('OSError: [Errno 22] EINVAL');
    }
  });
});

describe('binascii.a2b_base64 on MicroPython', () => {
  it.each([0, 1, 2, 3, 4, 5, 255, 256, 4099])('decodes base64Encode of %i random bytes to the same bytes', (length) => {
    const data = new Uint8Array(randomBytes(length));
    const path = putFile(base64Encode(data));
    const printed = python(`print(binascii.hexlify(hashlib.sha256(binascii.a2b_base64(open(${JSON.stringify(path)}, 'rb').read())).digest()).decode())`);
    expect(printed).toBe(toHex(sha256(data)));
  });
});

describe("DeflateIO's wbits on MicroPython", () => {
  it('allocates a window of exactly 2^wbits bytes', () => {
    const path = putFile(deflateRaw(sourceText(), { windowBits: 9 }));
    const allocated = new Map<number, number>();
    for (const wbits of [8, 9, 10, 11, 12, 15]) allocated.set(wbits, Number(python(`window_allocation(${JSON.stringify(path)}, ${wbits})`)));
    // Differences cancel the decoder's fixed state; the heap allocates in 16-byte blocks.
    for (const [low, high] of [
      [8, 9],
      [9, 10],
      [10, 11],
      [11, 12],
      [12, 15],
    ] as const) {
      expect(Math.abs(allocated.get(high)! - allocated.get(low)! - (2 ** high - 2 ** low))).toBeLessThanOrEqual(32);
    }
    const fixedState = allocated.get(8)! - 256;
    console.log(`DeflateIO allocation on MicroPython 1.27: 2^wbits + ${fixedState} bytes`);
    expect(fixedState).toBeGreaterThan(0);
    expect(fixedState).toBeLessThan(2048);
  });

  it('defaults to 8 with RAW when wbits is left out', () => {
    const fits = blockRepeatedAt(9); // 250 bytes back
    const tooFar = blockRepeatedAt(10); // 762 bytes back
    expect(python(`inflate_file(${JSON.stringify(putFile(deflateRaw(fits, { windowBits: 9 })))}, None)`)).toBe(`${fits.length} ${toHex(sha256(fits))}`);
    expect(() => python(`inflate_file(${JSON.stringify(putFile(deflateRaw(tooFar, { windowBits: 10 })))}, None)`)).toThrow('OSError: [Errno 22] EINVAL');
  });

  it('accepts 5..15 only: 5 (a 32-byte window) is the smallest usable', () => {
    // Distances of 10 at most: fits a 32-byte window.
    const data = new TextEncoder().encode('0123456789'.repeat(50));
    const path = JSON.stringify(putFile(deflateRaw(data, { windowBits: 9 })));
    expect(python(`inflate_file(${path}, 5)`)).toBe(`${data.length} ${toHex(sha256(data))}`);
    expect(() => python(`inflate_file(${path}, 4)`)).toThrow('ValueError: wbits');
    expect(() => python(`inflate_file(${path}, 16)`)).toThrow('ValueError: wbits');
  });
});
