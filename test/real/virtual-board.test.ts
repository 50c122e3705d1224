/**
 * The virtual board (real MicroPython 1.27 WebAssembly behind a socat pty), spoken to through
 * `serialport` exactly as a host speaks to /dev/ttyACM0: byte for byte, before any engine exists.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createInPageVirtualBoard } from '../../device/virtual/in-page.ts';
import { TransportClosedError } from '../../protocol/errors.ts';
import { RawSession, startVirtualBoard, type VirtualBoardProcess } from '../helpers/boards.ts';

const RAW_BANNER = 'raw REPL; CTRL-B to exit\r\n>';
const CLI = fileURLToPath(new URL('../../bin/mpysync.mjs', import.meta.url));
const STEP_MS = 5_000;

/** Ctrl-C, then Ctrl-A: the raw REPL with its `>` consumed. */
async function enterRaw(session: RawSession): Promise<void> {
  await session.write('\r\x03\r\x01');
  await session.readUntil(RAW_BANNER, STEP_MS);
}

/** Plain raw REPL: code, Ctrl-D, then `OK stdout \x04 error \x04 >`. */
async function execRaw(session: RawSession, code: string): Promise<string> {
  await session.write(code + '\x04');
  return session.readUntil('\x04>', STEP_MS);
}

/** Raw-paste as mpremote does it: stream under credit, `\x04`, then the ack and the output. */
async function execRawPaste(session: RawSession, code: string, timeoutMs = STEP_MS): Promise<{ output: string; credits: number }> {
  await session.write('\x05A\x01');
  expect(await session.readExactly(5, STEP_MS)).toBe('R\x01\x80\x00\x01');
  const window = 128;
  let credit = 2 * window; // the window, plus the `\x01` that ends the header
  let credits = 0;
  for (let sent = 0; sent < code.length;) {
    while (credit === 0) {
      expect(await session.readExactly(1, STEP_MS)).toBe('\x01');
      credit += window;
      credits++;
    }
    const piece = code.slice(sent, sent + credit);
    await session.write(piece);
    sent += piece.length;
    credit -= piece.length;
  }
  await session.write('\x04');
  const beforeAck = await session.readUntil('\x04', timeoutMs);
  expect(beforeAck.replaceAll('\x01', '')).toBe('\x04');
  credits += beforeAck.length - 1;
  const output = await session.readUntil('\x04>', timeoutMs);
  return { output, credits };
}

/** A program of at least `bytes` bytes that prints the sum of 0..n-1. */
function bigProgram(bytes: number): { code: string; expected: number } {
  let code = 't = 0\n';
  let n = 0;
  while (code.length < bytes) code += `t += ${n++}\n`;
  return { code: code + 'print(t)\n', expected: (n * (n - 1)) / 2 };
}

function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/**
 * Running, as opposed to gone or a zombie: an orphan that exited stays a zombie until init reaps
 * it (which can take seconds in a container), and kill(pid, 0) still succeeds on a zombie.
 */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe('virtual board', () => {
  let board: VirtualBoardProcess;
  let session: RawSession;

  beforeAll(async () => {
    const started = Date.now();
    board = await startVirtualBoard();
    console.info(`virtual board up on ${board.port} (pid ${board.pid}) in ${Date.now() - started} ms`);
    session = await RawSession.open(board.port);
  });
  afterAll(async () => {
    await session?.close();
    await board?.stop();
  });

  test('Ctrl-B shows the friendly banner of MicroPython 1.27 and its prompt', async () => {
    await session.write('\r\x02');
    const reply = await session.readUntil('for more information.\r\n>>> ', STEP_MS);
    expect(reply).toMatch(/MicroPython v1\.27\.0 on [\d-]+; JS with Emscripten\r\nType "help\(\)" for more information\.\r\n>>> $/);
  });

  test('Ctrl-A gives the raw banner, and print(1) answers OK1\\r\\n\\x04\\x04>', async () => {
    await session.write('\r\x01');
    expect(await session.readUntil(RAW_BANNER, STEP_MS)).toMatch(/raw REPL; CTRL-B to exit\r\n>$/);
    await session.write('print(1)\x04');
    expect(await session.readUntil('\x04>', STEP_MS)).toBe('OK1\r\n\x04\x04>');
  });

  test('an exception comes between the two \\x04 markers', async () => {
    await enterRaw(session);
    expect(await execRaw(session, '1/0')).toBe(
      'OK\x04Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\nZeroDivisionError: divide by zero\r\n\x04>',
    );
  });

  test('sys.implementation._mpy is 774 and the platform is webassembly', async () => {
    await enterRaw(session);
    expect(await execRaw(session, 'import sys; print(sys.implementation._mpy, sys.platform)')).toBe('OK774 webassembly\r\n\x04\x04>');
  });

  test('raw-paste: handshake R\\x01 + window 128, a 5 KB program streamed under credit runs, no OK', async () => {
    await enterRaw(session);
    const { code, expected } = bigProgram(5 * 1024);
    const { output, credits } = await execRawPaste(session, code);
    expect(output).toBe(`${expected}\r\n\x04\x04>`);
    expect(credits).toBe(Math.floor(code.length / 128));
  });

  test('raw-paste: Ctrl-C in the stream ends it with a KeyboardInterrupt, as the firmware does', async () => {
    await enterRaw(session);
    await session.write('\x05A\x01');
    expect(await session.readExactly(5, STEP_MS)).toBe('R\x01\x80\x00\x01');
    await session.write('print("never")\n\x03');
    expect(await session.readUntil('\x04>', STEP_MS)).toBe('\x04\x04KeyboardInterrupt: \r\n\x04>');
    expect(await execRaw(session, 'print(2)')).toBe('OK2\r\n\x04\x04>');
  });

  test('raw-paste carries code holding the bytes 0x01 and 0x02 (commands to the plain raw REPL)', async () => {
    await enterRaw(session);
    const { output } = await execRawPaste(session, "s = '\x01\x02'\nprint(len(s), ord(s[0]), ord(s[1]))\n");
    expect(output).toBe('2 1 2\r\n\x04\x04>');
  });

  test('raw-paste with an unknown command byte is refused with R\\x00 by the real REPL', async () => {
    await enterRaw(session);
    await session.write('\x05B\x01');
    expect(await session.readUntil('>', STEP_MS)).toBe('R\x00>');
  });

  test('the filesystem and variables persist across commands and reconnections', async () => {
    await enterRaw(session);
    expect(await execRaw(session, "f = open('kept.txt', 'w'); f.write('still here'); f.close(); y = 7")).toBe('OK\x04\x04>');
    await session.close();
    session = await RawSession.open(board.port);
    await enterRaw(session);
    expect(await execRaw(session, "import os; print(os.listdir(), open('kept.txt').read(), y)")).toBe("OK['kept.txt'] still here 7\r\n\x04\x04>");
  });

  test('soft reset (Ctrl-D on an empty raw buffer) forgets variables, keeps files, and returns to raw mode', async () => {
    await enterRaw(session);
    await execRaw(session, 'z = 1');
    await session.write('\x04');
    expect(await session.readUntil(RAW_BANNER, STEP_MS)).toBe(`OK\r\nMPY: soft reboot\r\n${RAW_BANNER}`);
    expect(await execRaw(session, "import os; print('z' in globals(), 'kept.txt' in os.listdir())")).toBe('OKFalse True\r\n\x04\x04>');
  });

  test('the board answers within a deadline after a 100 KB program', async () => {
    await enterRaw(session);
    const { code, expected } = bigProgram(100 * 1024);
    const started = Date.now();
    const { output } = await execRawPaste(session, code, 30_000);
    const bigMs = Date.now() - started;
    expect(output).toBe(`${expected}\r\n\x04\x04>`);
    const pingStarted = Date.now();
    expect(await execRaw(session, 'print(3)')).toBe('OK3\r\n\x04\x04>');
    const pingMs = Date.now() - pingStarted;
    console.info(`100 KB raw-paste program: ${bigMs} ms; next command answered in ${pingMs} ms`);
    expect(pingMs).toBeLessThan(2_000);
  });
});

describe('virtual board options and lifetime', () => {
  test('--no-raw-paste declines raw-paste like old firmware: the raw banner comes back', async () => {
    const board = await startVirtualBoard({ rawPaste: false });
    const session = await RawSession.open(board.port);
    try {
      await enterRaw(session);
      await session.write('\x05A\x01');
      expect(await session.readUntil(RAW_BANNER, STEP_MS)).toBe(RAW_BANNER);
      expect(await execRaw(session, 'print(4)')).toBe('OK4\r\n\x04\x04>');
    } finally {
      await session.close();
      await board.stop();
    }
  });

  test('--persist mirrors files into DIR after each command; a restarted board sees them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpysync-persist-'));
    writeFileSync(join(dir, 'preloaded.py'), 'P = "from the host"\n');
    let board = await startVirtualBoard({ persist: dir });
    let session = await RawSession.open(board.port);
    try {
      await enterRaw(session);
      expect(await execRaw(session, 'import preloaded; print(preloaded.P)')).toBe('OKfrom the host\r\n\x04\x04>');
      await execRaw(session, "import os; os.mkdir('lib'); open('lib/mod.py', 'w').write('X = 42\\n'); open('lib/raw.bin', 'wb').write(b'\\x00\\x01\\xff')");
      // The mirror is written before the prompt is sent: no waiting needed.
      expect(readFileSync(join(dir, 'lib', 'mod.py'), 'utf8')).toBe('X = 42\n');
      expect([...readFileSync(join(dir, 'lib', 'raw.bin'))]).toEqual([0, 1, 255]);
      await execRaw(session, "os.remove('preloaded.py')");
      // Beside the files, the board's id: a restarted board is the same board (the roster knows it).
      expect(readdirSync(dir).sort()).toEqual(['.mpysync-board-id', 'lib']);

      // Killed in the middle of a command: the folder keeps the last completed one.
      await session.write('\x05A\x01');
      expect(await session.readExactly(5, STEP_MS)).toBe('R\x01\x80\x00\x01');
      await session.write("open('lib/mod.py', 'w').write('X = 43\\n')\n");
      process.kill(board.pid, 'SIGKILL');
      await waitUntil(() => !processAlive(board.pid), 5_000, 'the board process ending');
      await session.close();
      await board.stop();

      const id = board.id;
      board = await startVirtualBoard({ persist: dir });
      expect(board.id).toBe(id);
      session = await RawSession.open(board.port);
      await enterRaw(session);
      expect(await execRaw(session, "import sys; sys.path.append('/lib'); import mod; print(mod.X, open('lib/raw.bin', 'rb').read())")).toBe(
        "OK42 b'\\x00\\x01\\xff'\r\n\x04\x04>",
      );
    } finally {
      await session.close();
      await board.stop();
    }
  });

  test('killing socat ends the board process', async () => {
    const board = await startVirtualBoard();
    try {
      const socat = childPids(board.pid).filter((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'socat');
      expect(socat).toHaveLength(1);
      process.kill(socat[0]!, 'SIGKILL');
      const ms = await waitUntil(() => !processAlive(board.pid), 5_000, `the board process ${board.pid} exiting after socat was killed`);
      console.info(`board process exited ${ms} ms after socat was killed`);
    } finally {
      await board.stop();
    }
  });

  test('a private board (--exit-with-parent, as spawn.ts starts it) stops when its parent is killed', async () => {
    const parent = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" virtual --json --exit-with-parent & wait`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    const { pid } = JSON.parse(line) as { pid: number };
    expect(processAlive(pid)).toBe(true);
    parent.kill('SIGKILL');
    const ms = await waitUntil(() => !processAlive(pid), 5_000, `the orphaned board process ${pid} exiting`).catch((error: Error) => {
      const stat = (() => {
        try {
          return readFileSync(`/proc/${pid}/stat`, 'utf8');
        } catch {
          return 'gone';
        }
      })();
      throw new Error(`${error.message} (sh was ${parent.pid}; /proc/${pid}/stat: ${stat})`);
    });
    console.info(`orphaned board exited ${ms} ms after its parent was killed`);
  });

  test('without socat, `mpysync virtual` says how to install it and exits with code 2', async () => {
    const child = spawn(process.execPath, [CLI, 'virtual'], { env: { ...process.env, PATH: '/nonexistent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(2);
    expect(stderr).toContain('apt-get install socat');
  });
});

describe("in-page virtual board (the web page's transport, here in Node)", () => {
  test('speaks the raw REPL and raw-paste, counts host bytes, keeps early output, and closes', async () => {
    const transport = await createInPageVirtualBoard();
    const encode = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
    let received = '';
    await transport.write(encode('\r\x01'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    transport.setReceiver((bytes) => (received += String.fromCharCode(...bytes)));
    const until = async (suffix: string) => {
      const deadline = Date.now() + STEP_MS;
      while (!received.endsWith(suffix)) {
        if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(suffix)} in ${JSON.stringify(received)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const all = received;
      received = '';
      return all;
    };
    expect(await until(RAW_BANNER)).toBe('\r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>');
    await transport.write(encode('\x05A\x01'));
    expect(await until('\x01')).toBe('R\x01\x80\x00\x01');
    await transport.write(encode('print(6 * 7)\x04'));
    expect(await until('\x04>')).toBe('\x0442\r\n\x04\x04>');
    expect(transport.bytesWritten).toBe(2 + 3 + 13);
    await transport.close();
    await transport.close();
    expect(await transport.closed).toBeUndefined();
    await expect(transport.write(encode('x'))).rejects.toBeInstanceOf(TransportClosedError);
  });
});
