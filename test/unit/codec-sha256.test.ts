import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256, toHex } from '../../protocol/codec/index.ts';

const nodeSha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('sha256', () => {
  it('matches the FIPS 180-4 example digests', () => {
    const ascii = (text: string) => new TextEncoder().encode(text);
    expect(toHex(sha256(ascii('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256(ascii('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  // Lengths around the 55/56 and 64-byte padding boundaries, several blocks, and 1 MB.
  it.each([0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096, 65_537, 1 << 20])('agrees with node:crypto on %i random bytes', (length) => {
    const bytes = new Uint8Array(randomBytes(length));
    const digest = sha256(bytes);
    expect(digest).toBeInstanceOf(Uint8Array);
    expect(digest.length).toBe(32);
    expect(toHex(digest)).toBe(nodeSha256(bytes));
  });

  it('hashes a subarray by its own bytes, not the whole underlying buffer', () => {
    const whole = new Uint8Array(randomBytes(300));
    const part = whole.subarray(17, 217);
    expect(toHex(sha256(part))).toBe(nodeSha256(Buffer.from(part)));
  });

  it('agrees with node:crypto on arbitrary inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => toHex(sha256(bytes)) === nodeSha256(bytes)),
      { numRuns: 300 },
    );
  });

  it('does not change its input', () => {
    const bytes = new Uint8Array(randomBytes(100));
    const copy = bytes.slice();
    sha256(bytes);
    expect(bytes).toEqual(copy);
  });
});

describe('toHex', () => {
  it('writes two lower-case digits per byte, as Buffer does', () => {
    const bytes = new Uint8Array([0, 1, 0x0f, 0x10, 0xab, 0xff]);
    expect(toHex(bytes)).toBe('00010f10abff');
    const random = new Uint8Array(randomBytes(1000));
    expect(toHex(random)).toBe(Buffer.from(random).toString('hex'));
    expect(toHex(new Uint8Array(0))).toBe('');
  });
});
