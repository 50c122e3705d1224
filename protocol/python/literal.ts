/**
 * Every value mpysync puts into Python source sent to a board goes through these two functions,
 * so no file name or file content can ever end a literal early and become code.
 */

/** A Python str literal in pure ASCII: quotes, backslashes, control and non-ASCII characters escaped. */
export function pyStr(text: string): string {
  let out = "'";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === "'") out += "\\'";
    else if (ch === '\\') out += '\\\\';
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp < 0x100) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + "'";
}

const encoder = new TextEncoder();

const BACKSLASH = 0x5c;
/** Two-byte escapes Python reads in a bytes literal. */
const SHORT_ESCAPES = new Map<number, number>([
  [0x0a, 0x6e], // \n
  [0x0d, 0x72], // \r
  [0x27, 0x27], // \'
  [0x5c, 0x5c], // \\
]);
const isOctalDigit = (byte: number | undefined) => byte !== undefined && byte >= 0x30 && byte <= 0x37;

/** Bytes on the wire for `byte` (followed by `next`) inside the literal: 1 as itself, else its escape. */
function escapeLength(byte: number, next: number | undefined, asciiOnly: boolean): number {
  if (byte <= 0x05) return isOctalDigit(next) ? 4 : 2;
  if (SHORT_ESCAPES.has(byte)) return 2;
  return asciiOnly && byte >= 0x7f ? 4 : 1;
}

/** The length of `pyBytes(data, { asciiOnly })`, without building it. */
export function pyBytesLength(data: Uint8Array, asciiOnly: boolean): number {
  let length = 3;
  for (let i = 0; i < data.length; i++) length += escapeLength(data[i]!, data[i + 1], asciiOnly);
  return length;
}

/**
 * A Python bytes literal as short as the raw REPL allows. Escaped: NUL and Ctrl-A…Ctrl-E (they end
 * or reset a raw-REPL / raw-paste transfer) as octal `\0`…`\5` (`\000` form when an octal digit
 * follows, which would extend the escape), `\n`, `\r`, `\'`, `\\`. Every other byte travels as
 * itself: MicroPython's lexer copies bytes ≥ 0x80 inside a bytes literal verbatim, so binary data
 * costs about 1.2 bytes on the wire per byte instead of 4 for `\xNN` or 1.33 for base64
 * (MicroPython 1.9.2 and 1.27 read these escapes alike, checked on both). `asciiOnly` escapes
 * bytes ≥ 0x7f as `\xNN`, for firmware whose lexer does not accept them.
 */
export function pyBytes(data: Uint8Array, options: { asciiOnly?: boolean } = {}): Uint8Array {
  const asciiOnly = options.asciiOnly ?? false;
  const out = new Uint8Array(pyBytesLength(data, asciiOnly));
  out[0] = 0x62; // b
  out[1] = 0x27; // '
  let o = 2;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    const length = escapeLength(byte, data[i + 1], asciiOnly);
    if (length === 1) {
      out[o++] = byte;
      continue;
    }
    out[o++] = BACKSLASH;
    const short = SHORT_ESCAPES.get(byte);
    if (short !== undefined) out[o++] = short;
    else if (byte <= 0x05) {
      if (length === 4) {
        out[o++] = 0x30;
        out[o++] = 0x30;
      }
      out[o++] = 0x30 + byte;
    } else {
      const hex = byte.toString(16).padStart(2, '0');
      out[o++] = 0x78; // x
      out[o++] = hex.charCodeAt(0);
      out[o++] = hex.charCodeAt(1);
    }
  }
  out[o] = 0x27;
  return out;
}

/** Joins source pieces (text and raw byte literals) into the bytes of one program. */
export function pySource(...parts: Array<string | Uint8Array>): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Python source one level deeper (one space, as the board programs indent); empty lines stay empty. */
export const indent = (block: string): string => block.replace(/^(?=.)/gm, ' ');
