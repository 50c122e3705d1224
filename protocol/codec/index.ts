export { sha256, toHex } from './sha256.ts';
export { base64Encode } from './base64.ts';
export { chooseWindowBits, deflateRaw, DEFAULT_WINDOW_BITS, MAX_WINDOW_BITS, MIN_WINDOW_BITS, type DeflateOptions } from './deflate.ts';
