import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64Encode } from '../../protocol/codec/index.ts';

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
