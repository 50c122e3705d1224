import { sha256, toHex } from './codec';

/**
 * How a board fingerprints a file: SHA-256 where it has hashlib, otherwise an Adler-32 computed by
 * a few lines of Python (the micro:bit has no hashlib). Both sides must compute the same string.
 */
export type HashAlgo = 'sha256' | 'adler32';

export function adler32Hex(bytes: Uint8Array): string {
  let a = 1;
  let b = 0;
  for (const c of bytes) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  return b.toString(16).padStart(4, '0') + a.toString(16).padStart(4, '0');
}

export function boardHash(bytes: Uint8Array, algo: HashAlgo): string {
  return algo === 'sha256' ? toHex(sha256(bytes)) : adler32Hex(bytes);
}
