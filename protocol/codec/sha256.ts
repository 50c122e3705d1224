import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** SHA-256, synchronous, the same in Node and in a browser (hashlib's on the board). */
export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes);
}

export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}
