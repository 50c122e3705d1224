/**
 * `mpysync virtual --baud`: the virtual board paced like a board behind a USB-serial bridge. At
 * 19200 baud (1,920 bytes/s each way) a 2 KB exchange takes over a second, so the line's time is
 * measurable; it is checked as a lower bound (bytes × 10 / baud), which a slow machine cannot break.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { RawSession, startVirtualBoard, type VirtualBoardProcess } from '../helpers/boards.ts';

const BAUD = 19200;
const MS_PER_BYTE = (10 * 1000) / BAUD;
const RAW_BANNER = 'raw REPL; CTRL-B to exit\r\n>';
const STEP_MS = 10_000;

/** Raw-paste as mpremote does it: header, code under the board's credit, `\x04`, then the reply. */
async function execRawPaste(session: RawSession, code: Uint8Array): Promise<{ sent: number; reply: string }> {
  await session.write('\x05A\x01');
  const header = await session.readExactly(5, STEP_MS);
  expect(header).toBe('R\x01\x80\x00\x01');
  const window = 128;
  let credit = window;
  let sent = 3;
  for (let offset = 0; offset < code.length;) {
    while (credit === 0) {
      expect(await session.readExactly(1, STEP_MS)).toBe('\x01');
      credit += window;
    }
    const piece = code.subarray(offset, offset + credit);
    await session.write(piece);
    offset += piece.length;
    credit -= piece.length;
    sent += piece.length;
  }
  await session.write('\x04');
  sent += 1;
  const ack = await session.readUntil('\x04', STEP_MS);
  expect(ack.replaceAll('\x01', '')).toBe('\x04');
  return { sent, reply: await session.readUntil('\x04>', STEP_MS) };
}

/** ~1.5 KB of code holding a non-ASCII literal; it prints the literal's SHA-256 and ~0.9 KB of varied characters. */
function program(): { code: Uint8Array; literalSha256: string } {
  let literal = '';
  for (let i = 0; literal.length < 600; i++) literal += `${i}:é✓ж${String.fromCharCode(0x21 + (i % 90)).replace(/['\\]/, '_')} `;
  const code = [
    'import hashlib, binascii, sys',
    `s = '${literal}'`,
    'print(binascii.hexlify(hashlib.sha256(s.encode()).digest()).decode())',
    "sys.stdout.write(''.join(chr(i) for i in range(5, 0x200)))",
    'print()',
  ].join('\n');
  return { code: new TextEncoder().encode(code), literalSha256: createHash('sha256').update(literal, 'utf8').digest('hex') };
}

async function enterRaw(session: RawSession): Promise<void> {
  await session.write('\r\x03\r\x01');
  await session.readUntil(RAW_BANNER, STEP_MS);
}

describe(`virtual board with --baud ${BAUD}`, () => {
  let paced: VirtualBoardProcess;
  let unpaced: VirtualBoardProcess;
  let pacedSession: RawSession;
  let unpacedSession: RawSession;

  beforeAll(async () => {
    [paced, unpaced] = await Promise.all([startVirtualBoard({ baud: BAUD }), startVirtualBoard()]);
    [pacedSession, unpacedSession] = await Promise.all([RawSession.open(paced.port), RawSession.open(unpaced.port)]);
    await Promise.all([enterRaw(pacedSession), enterRaw(unpacedSession)]);
  });
  afterAll(async () => {
    await pacedSession?.close();
    await unpacedSession?.close();
    await Promise.all([paced?.stop(), unpaced?.stop()]);
  });

  test('a raw-paste exec takes at least its bytes × 10 / baud, and its output is byte-identical to the unpaced board', async () => {
    const { code, literalSha256 } = program();

    const started = performance.now();
    const slow = await execRawPaste(pacedSession, code);
    const pacedMs = performance.now() - started;
    const fast = await execRawPaste(unpacedSession, code);

    // Every byte came through unchanged in both directions: the board hashed the literal it was sent.
    expect(fast.reply.startsWith(`${literalSha256}\r\n`)).toBe(true);
    expect(Buffer.from(slow.reply, 'latin1').equals(Buffer.from(fast.reply, 'latin1'))).toBe(true);

    // The host's bytes and then the reply (printed only once the last host byte arrived) each crossed the line.
    const lineBytes = slow.sent + slow.reply.length;
    const lowerBoundMs = lineBytes * MS_PER_BYTE;
    console.info(
      `${lineBytes} bytes on a ${BAUD}-baud line in ${pacedMs.toFixed(0)} ms (line time alone ${lowerBoundMs.toFixed(0)} ms; ${((lineBytes * 10 * 1000) / pacedMs).toFixed(0)} baud achieved)`,
    );
    expect(lineBytes).toBeGreaterThan(2000);
    expect(pacedMs).toBeGreaterThanOrEqual(lowerBoundMs - 1);
    // Not wildly slower than the line either (generous: the machine may be busy).
    expect(pacedMs).toBeLessThan(3 * lowerBoundMs + 3000);
  });

  test('the board still answers plain raw mode (no flow control) with every byte intact', async () => {
    const { code, literalSha256 } = program();
    const started = performance.now();
    await pacedSession.write(code);
    await pacedSession.write('\x04');
    const reply = await pacedSession.readUntil('\x04>', STEP_MS);
    const pacedMs = performance.now() - started;
    expect(reply.startsWith(`OK${literalSha256}\r\n`)).toBe(true);
    expect(reply.endsWith('\r\n\x04\x04>')).toBe(true);
    expect(pacedMs).toBeGreaterThanOrEqual((code.length + 1 + reply.length) * MS_PER_BYTE - 1);
  });

  test('--baud refuses a rate that is not a whole number of bits per second', async () => {
    const result = await runCli(['virtual', '--baud', 'fast']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '--baud <rate>' argument 'fast' is invalid");
  });
});
