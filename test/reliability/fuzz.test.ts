/**
 * Fuzzing (fast-check, no processes): the `.mpy` header parser, the `_mpy` decoder and the verdict
 * never throw on anything; every string and byte string mpysync puts into Python source comes back
 * unchanged through a Python-literal parser and cannot end its literal early; and board output
 * holding `\x04` or invalid UTF-8, cut anywhere, cannot desync the raw REPL for the next command.
 * (Identical results for any chunking of a fixed conversation: test/unit/raw-repl-replay.test.ts.)
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeBoardMpy, judgeMpy, parseMpyHeader } from '../../protocol/mpy/index.ts';
import { parsePyLiteral } from '../../protocol/python/parse-literal.ts';
import { pyBytes, pyStr } from '../../protocol/python/literal.ts';
import { RawRepl } from '../../protocol/repl/index.ts';
import { FakeBoard } from '../helpers/fake-board.ts';

/** Bytes that look like an .mpy often enough to reach the deep branches of the parser. */
const mpyish = fc.oneof(
  fc.uint8Array({ maxLength: 80 }),
  fc
    .tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 60 }))
    .map(([version, feature, bits, rest]) => Uint8Array.of(0x4d, version, feature, bits, ...rest)),
);

const anyNumber = fc.oneof(
  fc.integer(),
  fc.nat(),
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -1, 2 ** 53, Number.MAX_SAFE_INTEGER, 0x7fffffff, 4870, 774),
);

describe('.mpy parsing never throws', () => {
  test('parseMpyHeader on arbitrary bytes returns a header or a reason', () => {
    fc.assert(
      fc.property(mpyish, (bytes) => {
        const header = parseMpyHeader(bytes);
        expect(typeof header).toBe('object');
      }),
      { numRuns: 2_000 },
    );
  });

  test('decodeBoardMpy on arbitrary numbers gives a label', () => {
    fc.assert(
      fc.property(anyNumber, (raw) => {
        const abi = decodeBoardMpy(raw);
        expect(abi.label.length).toBeGreaterThan(0);
        expect(Number.isSafeInteger(abi.raw)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  test('judgeMpy on arbitrary files, names and boards gives a verdict with an explanation', () => {
    const board = fc.record({
      mpy: fc.option(anyNumber, { nil: null }),
      smallIntBits: fc.option(fc.integer({ min: -5, max: 100 }), { nil: undefined }),
      firmwareVersion: fc.option(fc.oneof(fc.string(), fc.constantFrom('1.9.2', '1.27.0', '1.12', 'v2', '')), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.string(), mpyish, board, (name, bytes, target) => {
        const verdict = judgeMpy(name, bytes, target);
        expect(typeof verdict.loadable).toBe('boolean');
        expect(verdict.summary.length).toBeGreaterThan(0);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('values put into Python source', () => {
  test('pyStr is one printable-ASCII literal that parses back to the same string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        const literal = pyStr(text);
        expect(literal).toMatch(/^'[\x20-\x7e]*'$/);
        expect(parsePyLiteral(literal)).toBe(text);
      }),
      { numRuns: 3_000, examples: [["a'); import os; os.remove('main.py'); ('"], ['\\'], ["\\'"], ['\x04\r\n'], ['\u{1f40d}']] },
    );
  });

  test('pyBytes parses back to the same bytes and never carries a raw-REPL control byte or line end', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (data, asciiOnly) => {
        const literal = pyBytes(data, { asciiOnly });
        for (const byte of literal.subarray(2, -1)) {
          expect(byte <= 0x05 || byte === 0x0a || byte === 0x0d).toBe(false);
          if (asciiOnly) expect(byte).toBeLessThan(0x7f);
        }
        // Bytes ≥ 0x80 travel raw: read the literal one char per byte, as the board's lexer does.
        expect(parsePyLiteral(Buffer.from(literal).toString('latin1'))).toEqual(data);
      }),
      { numRuns: 2_000 },
    );
  });
});

/** `\x04>` inside the output cannot be told from the end of the reply; only then may a result be off. */
function holdsEndOfReply(bytes: Uint8Array): boolean {
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 0x04 && bytes[i + 1] === 0x3e) return true;
  return false;
}

describe('hostile board output cannot desync the raw REPL', () => {
  /** Output that is likely to hold \x04, invalid UTF-8 and prompt-like bytes. */
  const output = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x04, 0x3e, 0xff, 0xc3, 0x80, 0x0d, 0x0a)), { maxLength: 40 });

  test('any output, cut anywhere, comes back whole (unless it holds \\x04>), and the next command gets exactly its own result', async () => {
    await fc.assert(
      fc.asyncProperty(output, fc.integer(), fc.boolean(), async (bytes, seed, rawPaste) => {
        let state = seed >>> 0 || 1;
        const random = () => ((state = (state * 1103515245 + 12345) >>> 0) % 1_000_000) / 1_000_000;
        const stdout = Uint8Array.from(bytes);
        const board = new FakeBoard({
          rawPaste: rawPaste ? 'supported' : 'old-firmware',
          chunking: { random },
          run: (code) => (code === 'emit' ? { stdout } : { stdout: '1\r\n' }),
        });
        const repl = new RawRepl(board, { drainMs: 5, plainRawPaceMs: 0 });
        await repl.enter({ deadlineMs: 2_000 });
        const first = await repl.exec('emit', { timeoutMs: 100 }).then(
          (result) => ({ result }),
          (error: Error) => ({ error }),
        );
        if (!holdsEndOfReply(stdout)) {
          // Output passes through byte for byte: invalid UTF-8, and \x04 of its own too.
          expect('error' in first ? first.error.message : [...first.result.stdout]).toEqual([...stdout]);
          expect('result' in first && first.result.error).toBe('');
        }
        const second = await repl.exec('print(1)', { timeoutMs: 2_000 });
        expect(new TextDecoder().decode(second.stdout)).toBe('1\r\n');
        expect(second.error).toBe('');
      }),
      {
        numRuns: 200,
        examples: [
          [[0x04], 1, true],
          [[0x04, 0x04, 0x3e], 7, true],
          [[0xff, 0xfe, 0xc3], 3, false],
          [[0x04, 0x3e], 5, false],
        ],
      },
    );
  }, 60_000);
});
