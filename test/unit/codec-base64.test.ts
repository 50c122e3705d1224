import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64Decode, base64Encode, InvalidBase64Error } from '../../protocol/codec';

describe('base64Encode', () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 57, 58, 59, 100, 6000, 1 << 20])('matches Buffer on %i random bytes', (length) => {
    const bytes = new Uint8Array(randomBytes(length));
    expect(base64Encode(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('uses the standard alphabet with padding and no line breaks', () => {
    expect(base64Encode(new Uint8Array([0xfb, 0xff]))).toBe('+/8=');
    expect(base64Encode(new TextEncoder().encode('f'))).toBe('Zg==');
    expect(base64Encode(new TextEncoder().encode('fo'))).toBe('Zm8=');
    expect(base64Encode(new TextEncoder().encode('foo'))).toBe('Zm9v');
    expect(base64Encode(new Uint8Array(randomBytes(5000)))).not.toMatch(/[\r\n]/);
  });

  it('matches Buffer on arbitrary inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => base64Encode(bytes) === Buffer.from(bytes).toString('base64')),
      { numRuns: 500 },
    );
  });
});

describe('base64Decode', () => {
  it('inverts base64Encode and agrees with Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64');
        const decoded = base64Decode(text);
        return Buffer.from(decoded).equals(Buffer.from(bytes)) && Buffer.from(base64Decode(base64Encode(bytes))).equals(Buffer.from(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes 1 MB', () => {
    const bytes = new Uint8Array(randomBytes(1 << 20));
    expect(Buffer.from(base64Decode(base64Encode(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });

  it('skips whitespace such as the newline a board adds after b2a_base64, and accepts missing padding', () => {
    expect(new TextDecoder().decode(base64Decode('aGVs\r\nbG8h\n'))).toBe('hello!');
    expect(new TextDecoder().decode(base64Decode('Zm8'))).toBe('fo');
    expect(new TextDecoder().decode(base64Decode('Zg'))).toBe('f');
    expect(base64Decode('')).toEqual(new Uint8Array(0));
  });

  it('rejects characters outside the alphabet, naming the character and its offset', () => {
    expect(() => base64Decode('Zm9v-A==')).toThrow(InvalidBase64Error);
    expect(() => base64Decode('Zm9v-A==')).toThrow(/"-" at offset 4/);
    expect(() => base64Decode('Zm9vé')).toThrow(InvalidBase64Error);
  });

  it('rejects text cut short, data after padding, and padding that does not fit', () => {
    expect(() => base64Decode('Zm9vY')).toThrow(/cut short/);
    expect(() => base64Decode('Zg==Zg==')).toThrow(/after "=" padding, at offset 4/);
    expect(() => base64Decode('Zm8==')).toThrow(/padding/);
  });
});
