import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BitWriter } from '../../protocol/codec/bit-writer';
import { writeBlocks } from '../../protocol/codec/deflate-blocks';
import { buildCodeLengths, canonicalCodes } from '../../protocol/codec/huffman';

const kraftSum = (lengths: Uint8Array) => [...lengths].reduce((sum, bits) => sum + (bits > 0 ? 2 ** -bits : 0), 0);
const cost = (frequencies: number[], lengths: Uint8Array) => frequencies.reduce((sum, f, s) => sum + f * lengths[s]!, 0);

/** Fibonacci frequencies give the deepest possible Huffman tree: n symbols, depth n - 1. */
const fibonacci = (n: number) => {
  const out = [1, 1];
  while (out.length < n) out.push(out[out.length - 1]! + out[out.length - 2]!);
  return out.slice(0, n);
};

describe('buildCodeLengths', () => {
  it('gives the optimal lengths when no limit bites', () => {
    expect([...buildCodeLengths([5, 9, 12, 13, 16, 45], 15)]).toEqual([4, 4, 3, 3, 3, 1]);
    expect([...buildCodeLengths([0, 3, 0, 3], 15)]).toEqual([0, 1, 0, 1]);
    expect([...buildCodeLengths([0, 7, 0], 15)]).toEqual([0, 1, 0]);
    expect([...buildCodeLengths([0, 0], 15)]).toEqual([0, 0]);
  });

  it.each([[15], [7]])('keeps a complete code within %i bits when Huffman would go deeper', (maxBits) => {
    const frequencies = fibonacci(maxBits === 15 ? 30 : 19);
    const lengths = buildCodeLengths(frequencies, maxBits);
    expect(Math.max(...lengths)).toBe(maxBits);
    expect(kraftSum(lengths)).toBe(1);
    // More frequent symbols never get longer codes.
    for (let s = 1; s < frequencies.length; s++) expect(lengths[s]!).toBeLessThanOrEqual(lengths[s - 1]!);
  });

  it('always gives a complete code within the limit, never worse than a flat code', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })), { minLength: 2, maxLength: 286 }),
        fc.integer({ min: 7, max: 15 }),
        (frequencies, maxBits) => {
          const used = frequencies.filter((f) => f > 0).length;
          if (used < 2 || used > 2 ** maxBits) return true;
          const lengths = buildCodeLengths(frequencies, maxBits);
          const flat = Math.ceil(Math.log2(used));
          return (
            Math.max(...lengths) <= maxBits &&
            kraftSum(lengths) === 1 &&
            frequencies.every((f, s) => (f > 0) === (lengths[s]! > 0)) &&
            cost(frequencies, lengths) <= frequencies.reduce((sum, f) => sum + f * flat, 0)
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('canonicalCodes', () => {
  it('assigns the codes of RFC 1951 section 3.2.2, bit-reversed for LSB-first writing', () => {
    const lengths = new Uint8Array([3, 3, 3, 3, 3, 2, 4, 4]);
    const expected = ['010', '011', '100', '101', '110', '00', '1110', '1111'];
    const codes = canonicalCodes(lengths);
    expected.forEach((code, symbol) => {
      const reversed = [...code].reverse().join('');
      expect(codes[symbol]!.toString(2).padStart(code.length, '0')).toBe(reversed);
    });
  });
});

describe('dynamic blocks with skewed literal frequencies', () => {
  it('limit literal codes to 15 bits and still decode', () => {
    // 18 byte values counted 1, 2, 3, 5, 8, … (with the end-of-block symbol an unlimited Huffman
    // code would need 18 bits), written as literals only, straight to the block writer: the match
    // finder would hide the skew.
    const counts = fibonacci(20).slice(2);
    const data = new Uint8Array(counts.reduce((a, b) => a + b, 0));
    let at = 0;
    counts.forEach((count, symbol) => data.fill(symbol * 10, at, (at += count)));
    const frequencies = new Array(286).fill(0);
    counts.forEach((count, symbol) => (frequencies[symbol * 10] = count));
    frequencies[256] = 1;
    expect(Math.max(...buildCodeLengths(frequencies, 30))).toBeGreaterThan(15);
    const symbols = { count: data.length, lengths: new Uint16Array(data.length), values: Uint16Array.from(data) };
    const writer = new BitWriter();
    writeBlocks(writer, data, symbols);
    const compressed = writer.finish();
    expect(Buffer.from(inflateRawSync(compressed)).equals(Buffer.from(data))).toBe(true);
    expect(compressed[0]! & 0b110).toBe(0b100); // the first block is dynamic
    expect(compressed.length).toBeLessThan(data.length * 0.4); // about 2.6 bits a byte, fixed codes take 8
  });
});
