export { sha256, toHex } from './sha256';
export { base64Decode, base64Encode, InvalidBase64Error } from './base64';
export {
  chooseWindowBits,
  deflateRaw,
  DEFAULT_LEVEL,
  DEFAULT_WINDOW_BITS,
  MAX_WINDOW_BITS,
  MIN_WINDOW_BITS,
  type DeflateLevel,
  type DeflateOptions,
} from './deflate';
