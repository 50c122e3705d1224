/**
 * The BBC micro:bit firmware (MicroPython 1.9.2, Debian firmware-microbit-micropython) in
 * `qemu-system-arm -M microbit -serial pty`, spoken to through `serialport` byte for byte.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RawSession, startMicrobit, type BoardProcess } from '../helpers/boards.ts';

const RAW_BANNER = 'raw REPL; CTRL-B to exit\r\n>';
/** Replies measured at 5–40 ms once booted; generous for a loaded CI runner, still bounded. */
const STEP_MS = 10_000;

async function execRaw(session: RawSession, code: string): Promise<string> {
  await session.write(code + '\x04');
  return session.readUntil('\x04>', STEP_MS);
}

describe('micro:bit in qemu', () => {
  let board: BoardProcess;
  let session: RawSession;

  beforeAll(async () => {
    const started = Date.now();
    board = await startMicrobit();
    console.info(`micro:bit booted on ${board.port} (qemu pid ${board.pid}), prompt after ${Date.now() - started} ms`);
    session = await RawSession.open(board.port);
  });
  afterAll(async () => {
    await session?.close();
    await board?.stop();
  });

  test('Ctrl-C then Ctrl-A reaches the raw banner', async () => {
    const started = Date.now();
    await session.write('\r\x03');
    await session.readUntil('>>> ', STEP_MS);
    await session.write('\r\x01');
    expect(await session.readUntil(RAW_BANNER, STEP_MS)).toMatch(/raw REPL; CTRL-B to exit\r\n>$/);
    console.info(`raw REPL reached in ${Date.now() - started} ms`);
  });

  test('print(1) answers OK1\\r\\n\\x04\\x04>, and the firmware is 1.9.2 without _mpy', async () => {
    expect(await execRaw(session, 'print(1)')).toBe('OK1\r\n\x04\x04>');
    expect(await execRaw(session, "import sys; print(sys.implementation, sys.platform, hasattr(sys.implementation, '_mpy'))")).toBe(
      "OK(name='micropython', version=(1, 9, 2)) microbit False\r\n\x04\x04>",
    );
  });

  test('the raw-paste request is answered with the raw banner: no raw-paste on this firmware', async () => {
    await session.write('\x05A\x01');
    const reply = await session.readUntil(RAW_BANNER, STEP_MS);
    expect(reply.slice(0, 2)).toBe('ra');
    expect(reply).toBe(RAW_BANNER);
    expect(await execRaw(session, 'print(5)')).toBe('OK5\r\n\x04\x04>');
  });

  test('os.listdir() works and sees a file written on the board', async () => {
    expect(await execRaw(session, "f = open('hello.txt', 'w'); f.write('hi'); f.close()")).toBe('OK\x04\x04>');
    expect(await execRaw(session, 'import os; print(os.listdir())')).toBe("OK['hello.txt']\r\n\x04\x04>");
    expect(await execRaw(session, "os.remove('hello.txt'); print(os.listdir())")).toBe('OK[]\r\n\x04\x04>');
  });

  test('a running `while True: pass` is interrupted by Ctrl-C and the next command gets in', async () => {
    await session.write('while True: pass\x04');
    expect(await session.readUntil('OK', STEP_MS)).toBe('OK');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(session.take()).toBe('');
    await session.write('\x03');
    expect(await session.readUntil('\x04>', STEP_MS)).toBe(
      '\x04Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\nKeyboardInterrupt: \r\n\x04>',
    );
    expect(await execRaw(session, 'print(6)')).toBe('OK6\r\n\x04\x04>');
  });
});
