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

/**
 * Bytes that must be escaped inside a bytes literal sent through the raw REPL: NUL and the REPL's
 * control bytes (Ctrl-A … Ctrl-E end or reset a raw-REPL / raw-paste transfer), the line ends the
 * lexer would see, and the quote and backslash of the literal itself.
 */
function mustEscape(byte: number, asciiOnly: boolean): boolean {
  return byte <= 0x05 || byte === 0x0a || byte === 0x0d || byte === 0x27 || byte === 0x5c || (asciiOnly && byte >= 0x7f);
}

/**
 * A Python bytes literal as raw bytes. Every other byte value travels as itself (MicroPython's
 * lexer copies bytes ≥ 0x80 inside a bytes literal verbatim), so binary data costs about 1.1 bytes
 * on the wire per byte instead of 4 for `\xNN` or 1.33 for base64. `asciiOnly` escapes ≥ 0x7f too,
 * for firmware whose lexer does not accept them.
 */
export function pyBytes(data: Uint8Array, options: { asciiOnly?: boolean } = {}): Uint8Array {
  const asciiOnly = options.asciiOnly ?? false;
  let escapes = 0;
  for (const b of data) if (mustEscape(b, asciiOnly)) escapes++;
  const out = new Uint8Array(data.length + escapes * 3 + 3);
  out[0] = 0x62; // b
  out[1] = 0x27; // '
  let o = 2;
  for (const b of data) {
    if (mustEscape(b, asciiOnly)) {
      out[o++] = 0x5c;
      out[o++] = 0x78;
      const hex = b.toString(16).padStart(2, '0');
      out[o++] = hex.charCodeAt(0);
      out[o++] = hex.charCodeAt(1);
    } else {
      out[o++] = b;
    }
  }
  out[o++] = 0x27;
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
