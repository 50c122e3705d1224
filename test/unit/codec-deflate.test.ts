import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deflateRaw } from '../../protocol/codec/index.ts';
import { MpysyncError } from '../../protocol/errors.ts';

/**
 * zlib alone cannot prove the window: it only rejects a distance that reaches beyond its window
 * plus the output of the current inflate call (16 KB by default), so a stream with a too-far
 * distance often inflates fine. This small independent decoder (after Mark Adler's puff.c)
 * records the largest distance the stream uses, and checks that every Huffman code is complete.
 */
interface InflateTrace {
  output: Uint8Array;
  maxDistance: number;
  blockTypes: number[];
  /** Bytes left after the final block (0 for a stream that ends where it should). */
  trailingBytes: number;
}

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

function traceInflate(stream: Uint8Array): InflateTrace {
  let pos = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  let output = new Uint8Array(1024);
  let outLength = 0;
  let maxDistance = 0;
  const blockTypes: number[] = [];
  const put = (byte: number) => {
    if (outLength === output.length) {
      const grown = new Uint8Array(output.length * 2);
      grown.set(output);
      output = grown;
    }
    output[outLength++] = byte;
  };
  const bits = (count: number): number => {
    while (bitCount < count) {
      if (pos >= stream.length) throw new Error('stream ends in the middle of a block');
      bitBuffer |= stream[pos++]! << bitCount;
      bitCount += 8;
    }
    const value = bitBuffer & ((1 << count) - 1);
    bitBuffer >>>= count;
    bitCount -= count;
    return value;
  };
  type Code = { count: number[]; symbols: number[] };
  /** `what` names a dynamic code, which must be complete; the fixed codes are checked by zlib anyway. */
  const makeCode = (lengths: number[], what?: string): Code => {
    const count = new Array(16).fill(0);
    for (const length of lengths) count[length]++;
    count[0] = 0;
    const used = lengths.filter((l) => l > 0).length;
    let kraft = 0;
    for (let len = 1; len <= 15; len++) kraft += count[len] / 2 ** len;
    if (what !== undefined && used >= 2 && kraft !== 1) throw new Error(`${what} code is ${kraft > 1 ? 'over-subscribed' : 'incomplete'}`);
    const offsets = [0, 0];
    for (let len = 1; len < 15; len++) offsets[len + 1] = offsets[len]! + count[len];
    const symbols: number[] = [];
    lengths.forEach((length, symbol) => {
      if (length > 0) symbols[offsets[length]!++] = symbol;
    });
    return { count, symbols };
  };
  const decode = (code: Code): number => {
    let value = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= 15; len++) {
      value |= bits(1);
      const count = code.count[len]!;
      if (value - count < first) return code.symbols[index + (value - first)]!;
      index += count;
      first = (first + count) << 1;
      value <<= 1;
    }
    throw new Error('invalid Huffman code in stream');
  };
  const inflateCodes = (litlen: Code, distance: Code) => {
    for (;;) {
      const symbol = decode(litlen);
      if (symbol < 256) put(symbol);
      else if (symbol === 256) return;
      else {
        const index = symbol - 257;
        if (index >= 29) throw new Error(`invalid length symbol ${symbol}`);
        const length = LENGTH_BASE[index]! + bits(LENGTH_EXTRA[index]!);
        const distCode = decode(distance);
        if (distCode >= 30) throw new Error(`invalid distance symbol ${distCode}`);
        const dist = DIST_BASE[distCode]! + bits(DIST_EXTRA[distCode]!);
        if (dist > outLength) throw new Error(`distance ${dist} reaches before the start of the output`);
        maxDistance = Math.max(maxDistance, dist);
        for (let i = 0; i < length; i++) put(output[outLength - dist]!);
      }
    }
  };
  let final: number;
  do {
    final = bits(1);
    const type = bits(2);
    blockTypes.push(type);
    if (type === 0) {
      bitBuffer = 0;
      bitCount = 0;
      if (pos + 4 > stream.length) throw new Error('stored block header cut short');
      const length = stream[pos]! | (stream[pos + 1]! << 8);
      const check = stream[pos + 2]! | (stream[pos + 3]! << 8);
      if ((length ^ 0xffff) !== check) throw new Error('stored block length does not match its complement');
      pos += 4;
      if (pos + length > stream.length) throw new Error('stored block cut short');
      for (let i = 0; i < length; i++) put(stream[pos++]!);
    } else if (type === 1) {
      const litlen = Array.from({ length: 288 }, (_, s) => (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8));
      inflateCodes(makeCode(litlen), makeCode(new Array(30).fill(5)));
    } else if (type === 2) {
      const hlit = bits(5) + 257;
      const hdist = bits(5) + 1;
      const hclen = bits(4) + 4;
      if (hlit > 286 || hdist > 30) throw new Error(`bad dynamic header counts ${hlit}/${hdist}`);
      const clLengths = new Array(19).fill(0);
      for (let i = 0; i < hclen; i++) clLengths[CL_ORDER[i]!] = bits(3);
      const clCode = makeCode(clLengths, 'code-length');
      const lengths: number[] = [];
      while (lengths.length < hlit + hdist) {
        const symbol = decode(clCode);
        if (symbol < 16) lengths.push(symbol);
        else if (symbol === 16) {
          if (lengths.length === 0) throw new Error('repeat with no previous length');
          const previous = lengths[lengths.length - 1]!;
          for (let n = 3 + bits(2); n > 0; n--) lengths.push(previous);
        } else if (symbol === 17) for (let n = 3 + bits(3); n > 0; n--) lengths.push(0);
        else for (let n = 11 + bits(7); n > 0; n--) lengths.push(0);
      }
      if (lengths.length > hlit + hdist) throw new Error('code lengths overrun the declared counts');
      if (lengths[256] === 0) throw new Error('no end-of-block code');
      inflateCodes(makeCode(lengths.slice(0, hlit), 'literal/length'), makeCode(lengths.slice(hlit), 'distance'));
    } else {
      throw new Error('invalid block type 3');
    }
  } while (!final);
  return { output: output.slice(0, outLength), maxDistance, blockTypes, trailingBytes: stream.length - pos };
}

/** Compresses, then proves the stream decodes to `data` (zlib and the tracer) within the window. */
function expectValidStream(data: Uint8Array, windowBits: number): InflateTrace {
  const compressed = deflateRaw(data, { windowBits });
  expect(Buffer.from(inflateRawSync(compressed)).equals(Buffer.from(data))).toBe(true);
  const trace = traceInflate(compressed);
  expect(Buffer.from(trace.output).equals(Buffer.from(data))).toBe(true);
  expect(trace.maxDistance).toBeLessThanOrEqual(2 ** windowBits);
  expect(trace.trailingBytes).toBe(0);
  // With 64-byte output calls zlib holds little besides its window, so it also rejects far reaches.
  expect(() => inflateRawSync(compressed, { windowBits, chunkSize: 64 })).not.toThrow();
  return trace;
}

const FIXTURES = join(import.meta.dirname, '../fixtures/mpy-corpus');
const readFixtures = (folder: string, extension: string) =>
  readdirSync(join(FIXTURES, folder))
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(FIXTURES, folder, name))) }));
const PY_FIXTURES = readFixtures('src', '.py');
const MPY_FIXTURES = readFixtures('files', '.mpy');

/** Python-looking text from a seeded generator: repetitive like source code, but not trivially. */
function pythonLikeText(size: number, seed = 1): Uint8Array {
  let state = seed;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const names = ['value', 'buffer', 'count', 'offset', 'sensor', 'pin', 'led', 'timer', 'result', 'index', 'data'];
  const lines = [
    (a: string, b: string) => `def read_${a}(${b}, timeout_ms=${next(5000)}):`,
    (a: string, b: string) => `    ${a} = ${b}.read(${next(256)})`,
    (a: string) => `    if ${a} is None or len(${a}) < ${next(64)}:`,
    (a: string) => `        raise OSError("no ${a} after %d ms" % timeout_ms)`,
    (a: string, b: string) => `    return ${a}[${next(8)}:] + ${b}`,
    (a: string) => `# ${a}: ${['update', 'compute', 'scale', 'filter'][next(4)]} ${next(1000)}`,
    (a: string, b: string) => `class ${a[0]!.toUpperCase()}${a.slice(1)}${b[0]!.toUpperCase()}${b.slice(1)}:`,
    (a: string, b: string) => `    for ${a} in range(${next(100)}):\n        ${b} += ${a} * ${next(10)}`,
  ];
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const line = lines[next(lines.length)]!(names[next(names.length)]!, names[next(names.length)]!) + '\n';
    parts.push(line);
    length += line.length;
  }
  return new TextEncoder().encode(parts.join('')).subarray(0, size);
}

const ALL_WINDOW_BITS = [9, 10, 11, 12, 13, 14, 15];

describe('deflateRaw', () => {
  it('encodes empty input as a single fixed block with only end-of-block', () => {
    const compressed = deflateRaw(new Uint8Array(0));
    expect([...compressed]).toEqual([0x03, 0x00]);
    expect(inflateRawSync(compressed).length).toBe(0);
    expect(traceInflate(compressed).blockTypes).toEqual([1]);
  });

  describe.each(ALL_WINDOW_BITS)('windowBits %i', (windowBits) => {
    it('round-trips random bytes, growing them by at most 0.5% (zlib picks stored or dynamic blocks)', () => {
      const data = new Uint8Array(randomBytes(100_000));
      expectValidStream(data, windowBits);
      expect(deflateRaw(data, { windowBits }).length).toBeLessThanOrEqual(data.length * 1.005 + 8);
    });

    it('round-trips all-zero bytes into a tiny stream', () => {
      const data = new Uint8Array(100_000);
      expectValidStream(data, windowBits);
      expect(deflateRaw(data, { windowBits }).length).toBeLessThan(200);
    });

    it('round-trips text with dynamic Huffman blocks', () => {
      const data = pythonLikeText(50_000, windowBits);
      const trace = expectValidStream(data, windowBits);
      expect(trace.blockTypes).toContain(2);
      expect(deflateRaw(data, { windowBits }).length).toBeLessThan(data.length * 0.4);
    });

    it('reaches back exactly the whole window and never further', () => {
      const windowSize = 2 ** windowBits;
      // A random block repeated once: the only way to compress it is a copy from windowSize back.
      const block = new Uint8Array(randomBytes(windowSize));
      const repeated = new Uint8Array(2 * windowSize);
      repeated.set(block);
      repeated.set(block, windowSize);
      expect(expectValidStream(repeated, windowBits).maxDistance).toBeLessThanOrEqual(windowSize);
      // One byte further apart: out of reach, so no copy may span it.
      const apart = new Uint8Array(2 * windowSize + 1);
      apart.set(block);
      apart.set(block, windowSize + 1);
      expect(expectValidStream(apart, windowBits).maxDistance).toBeLessThan(windowSize);
      // Repeats at every distance up to 32 KB.
      const far = new Uint8Array(randomBytes(40_000));
      for (let i = 0; i < 200; i++) far.copyWithin(20_000 + i * 97, i * 131, i * 131 + 40);
      expect(expectValidStream(far, windowBits).maxDistance).toBeLessThanOrEqual(windowSize);
    });

    it('round-trips every fixture', () => {
      for (const { bytes } of [...PY_FIXTURES, ...MPY_FIXTURES]) expectValidStream(bytes, windowBits);
    });
  });

  it('round-trips 1 MB of mixed text, zeros and random bytes at the default window and at 15', () => {
    const data = new Uint8Array(1 << 20);
    data.set(pythonLikeText(400_000, 7));
    data.set(new Uint8Array(randomBytes(300_000)), 500_000);
    for (const windowBits of [10, 15]) {
      const trace = expectValidStream(data, windowBits);
      expect(new Set(trace.blockTypes).has(2)).toBe(true);
    }
  });

  it('round-trips arbitrary inputs at any window, within the window', () => {
    // A small alphabet and copied slices make many matches of every length and distance.
    const input = fc
      .tuple(fc.uint8Array({ minLength: 0, maxLength: 3000 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 300 })), { maxLength: 30 }))
      .map(([raw, copies]) => {
        const data = raw.map((b) => b % 5);
        for (const [from, to, length] of copies) {
          if (data.length > 0) data.copyWithin(to % data.length, from % data.length, (from % data.length) + length);
        }
        return data;
      });
    fc.assert(
      fc.property(input, fc.integer({ min: 9, max: 15 }), (data, windowBits) => {
        const compressed = deflateRaw(data, { windowBits });
        const trace = traceInflate(compressed);
        return (
          Buffer.from(trace.output).equals(Buffer.from(data)) &&
          trace.maxDistance <= 2 ** windowBits &&
          trace.trailingBytes === 0 &&
          Buffer.from(inflateRawSync(compressed)).equals(Buffer.from(data))
        );
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same input and options give the same bytes', () => {
    const data = pythonLikeText(80_000, 11);
    const first = deflateRaw(data, { windowBits: 12 });
    expect(Buffer.from(deflateRaw(data.slice(), { windowBits: 12 })).equals(Buffer.from(first))).toBe(true);
    // Pinned, so a change of output (and of the benchmark's byte counts) is a deliberate one.
    const digest = createHash('sha256')
      .update(deflateRaw(pythonLikeText(20_000, 5)))
      .digest('hex');
    expect(digest).toBe(PINNED_DIGEST);
  });

  it('does not change its input', () => {
    const data = pythonLikeText(5000);
    const copy = data.slice();
    deflateRaw(data);
    expect(data).toEqual(copy);
  });

  it('rejects windowBits out of range with an error that says the range', () => {
    for (const windowBits of [8, 16, 10.5, Number.NaN]) {
      expect(() => deflateRaw(new Uint8Array(1), { windowBits })).toThrow(MpysyncError);
      expect(() => deflateRaw(new Uint8Array(1), { windowBits })).toThrow(/from 9 to 15/);
    }
  });
});

const PINNED_DIGEST = '7e272555a41c06407dff2751d166b0c0e4084dc876c89dae6d0b6d41f4923aa4';
