/**
 * Base64 (RFC 4648, standard alphabet, `=` padding, no line breaks): the text form that a board's
 * `binascii.a2b_base64` decodes. Pure, so Node and the browser give the same text.
 */
import { MpysyncError } from '../errors';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Each ASCII code → its 6-bit value, or -1 when it is not in the alphabet. */
const SEXTET_OF = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

export function base64Encode(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
    // Joining bounded pieces keeps megabyte inputs from building one huge rope string.
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  const left = bytes.length - whole;
  if (left === 1) {
    const n = bytes[whole]! << 16;
    chunk += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
  } else if (left === 2) {
    const n = (bytes[whole]! << 16) | (bytes[whole + 1]! << 8);
    chunk += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
  }
  parts.push(chunk);
  return parts.join('');
}

/**
 * Decodes standard base64. ASCII whitespace is skipped (a board's `b2a_base64` ends its output with
 * a newline); padding may be present or left out. Anything else outside the alphabet is an error.
 */
export function base64Decode(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let length = 0;
  let bits = 0;
  let bitCount = 0;
  let sextets = 0;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) continue;
    if (code === 0x3d /* = */) {
      padding++;
      continue;
    }
    const sextet = code < 128 ? SEXTET_OF[code]! : -1;
    if (sextet < 0) {
      throw new InvalidBase64Error(`character ${JSON.stringify(text[i])} at offset ${i} is not base64`);
    }
    if (padding > 0) throw new InvalidBase64Error(`data continues after "=" padding, at offset ${i}`);
    bits = ((bits << 6) | sextet) & 0xffffff;
    bitCount += 6;
    sextets++;
    if (bitCount >= 8) {
      bitCount -= 8;
      out[length++] = (bits >> bitCount) & 0xff;
    }
  }
  if (sextets % 4 === 1) {
    throw new InvalidBase64Error(`${sextets} base64 digits cannot encode whole bytes (the text is cut short)`);
  }
  if (padding > 0 && (sextets + padding) % 4 !== 0) {
    throw new InvalidBase64Error(`${padding} padding characters do not fit ${sextets} base64 digits`);
  }
  return out.slice(0, length);
}

export class InvalidBase64Error extends MpysyncError {
  override name = 'InvalidBase64Error';
  constructor(detail: string) {
    super('invalid-base64', `cannot decode base64: ${detail}; expected the standard alphabet A-Z a-z 0-9 + /`);
  }
}
