import { sha256, toHex } from './codec/index.ts';

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

// The board's side of the same two fingerprints, as Python (one `_hf(p)` a program defines).

export const OS_IMPORT = `try:
 import os
except ImportError:
 import uos as os
`;

/** The two fingerprints' bodies after `f=open(p,'rb')`, indented for `def _hf(p):`. */
/**
 * Read into one buffer, as the Adler-32 below: a fresh 512-byte string per read is 100 KB of
 * garbage for a 100 KB file, which a board must collect mid-program (and the WebAssembly port
 * cannot: it collects only between programs).
 */
export const SHA256_REST = ` h=_hl.sha256()
 m=bytearray(512)
 v=memoryview(m)
 while 1:
  k=f.readinto(m)
  if not k:break
  h.update(v[:k])
 f.close()
 return ''.join('%02x'%c for c in h.digest())
`;
/** Read into one small buffer: a fresh 256-byte string per read ran a micro:bit indexing 30 files out of memory. */
export const ADLER32_REST = ` a=1
 b=0
 m=bytearray(64)
 while 1:
  k=f.readinto(m)
  if not k:break
  for i in range(k):
   a=(a+m[i])%65521
   b=(b+a)%65521
 f.close()
 return '%04x%04x'%(b,a)
`;

/** `_hf(p)`: SHA-256 of a file, hex (the board has hashlib). */
export const SHA256_FILE = `try:
 import hashlib as _hl
except ImportError:
 import uhashlib as _hl
def _hf(p):
 f=open(p,'rb')
${SHA256_REST}`;

/** `_hf(p)`: Adler-32 of a file, hex (boards without hashlib: the micro:bit). */
export const ADLER32_FILE = `def _hf(p):
 f=open(p,'rb')
${ADLER32_REST}`;
