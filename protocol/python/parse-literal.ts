import { MpysyncError } from '../errors.ts';

/** A value of the small Python literal subset the board snippets print with repr(). */
export type PyValue = string | number | bigint | boolean | null | PyValue[] | Uint8Array;

export class PyLiteralError extends MpysyncError {
  override name = 'PyLiteralError';
  constructor(text: string, position: number, what: string) {
    super('bad-board-reply', `could not read the board's reply at character ${position} (${what}): ${JSON.stringify(text.slice(0, 200))}`);
  }
}

/**
 * Parses what MicroPython's repr() prints for str, bytes, int, float, bool, None, tuple and list.
 * Tuples come back as arrays. Strings may contain raw UTF-8 (unicode builds print it unescaped).
 */
export function parsePyLiteral(text: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new PyLiteralError(text, i, what);
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const parseString = (isBytes: boolean): PyValue => {
    const quote = text[i++]!;
    let out = '';
    const bytes: number[] = [];
    const push = (code: number) => (isBytes ? bytes.push(code) : (out += String.fromCodePoint(code)));
    while (i < text.length && text[i] !== quote) {
      const ch = text[i++]!;
      if (ch !== '\\') {
        if (isBytes) bytes.push(ch.charCodeAt(0) & 0xff);
        else out += ch;
        continue;
      }
      const e = text[i++];
      const simple: Record<string, number> = { n: 10, r: 13, t: 9, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11 };
      if (e === undefined) fail('unfinished escape');
      else if (e in simple) push(simple[e]!);
      else if (e >= '0' && e <= '7') {
        // Octal: up to three digits, as Python reads them.
        let digits = e;
        while (digits.length < 3 && /[0-7]/.test(text[i] ?? '')) digits += text[i++];
        push(parseInt(digits, 8));
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(i, i + width);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) fail('bad hex escape');
        push(parseInt(hex, 16));
        i += width;
      } else fail(`unknown escape \\${e}`);
    }
    if (text[i] !== quote) fail('unterminated string');
    i++;
    return isBytes ? Uint8Array.from(bytes) : out;
  };
  const parseValue = (): PyValue => {
    skipSpace();
    const ch = text[i];
    if (ch === undefined) return fail('unexpected end');
    if (ch === "'" || ch === '"') return parseString(false);
    if (ch === 'b' && (text[i + 1] === "'" || text[i + 1] === '"')) {
      i++;
      return parseString(true);
    }
    if (ch === '(' || ch === '[') {
      const close = ch === '(' ? ')' : ']';
      i++;
      const items: PyValue[] = [];
      for (;;) {
        skipSpace();
        if (text[i] === close) {
          i++;
          return items;
        }
        items.push(parseValue());
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected , or ${close}`);
      }
    }
    const word = /^(None|True|False|-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+)/.exec(text.slice(i));
    if (!word) return fail('unexpected character');
    i += word[0].length;
    if (word[0] === 'None') return null;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0].includes('.')) return Number(word[0]);
    const n = BigInt(word[0]);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  };
  const value = parseValue();
  skipSpace();
  if (i !== text.length) fail('trailing characters');
  return value;
}
