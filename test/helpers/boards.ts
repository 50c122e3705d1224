/**
 * Real MicroPython firmware for tests: the WebAssembly port behind a pty (`mpysync virtual`) and the
 * BBC micro:bit firmware in qemu. Both are stopped by their pid. A missing tool or firmware makes
 * the helper throw an error naming the Debian package: tests fail loudly, they never skip.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { describeBytes } from '../../protocol/errors.ts';

export { startVirtualBoard, type VirtualBoardOptions, type VirtualBoardProcess } from '../../device/virtual/spawn.ts';

export const MICROBIT_FIRMWARE = '/usr/share/firmware-microbit-micropython/firmware.hex';
const QEMU = 'qemu-system-arm';
const QEMU_PTY_DEADLINE_MS = 10_000;
/** The banner came 50–90 ms after the pty appeared on the project's machines; CI runners are slower. */
const MICROBIT_BOOT_DEADLINE_MS = 20_000;

/** qemu processes started here, killed if the test process exits without stopping them. */
const runningQemu = new Set<number>();
process.once('exit', () => {
  for (const pid of runningQemu) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export interface BoardProcess {
  port: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Boots the micro:bit firmware (MicroPython 1.9.2) in qemu and waits until its friendly REPL answers,
 * so the board is ready to use when this resolves.
 */
export async function startMicrobit(): Promise<BoardProcess> {
  if (!existsSync(MICROBIT_FIRMWARE)) {
    throw new Error(
      `${MICROBIT_FIRMWARE} is missing: install the Debian package firmware-microbit-micropython (sudo apt-get install firmware-microbit-micropython, or run scripts/setup-debian.sh)`,
    );
  }
  const args = ['-M', 'microbit', '-display', 'none', '-monitor', 'none', '-serial', 'pty', '-device', `loader,file=${MICROBIT_FIRMWARE}`];
  const qemu = spawn(QEMU, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => qemu.once('exit', () => resolve()));
  const port = await new Promise<string>((resolve, reject) => {
    let log = '';
    const fail = (error: Error) => {
      clearTimeout(timer);
      qemu.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`${QEMU} did not report its serial pty within ${QEMU_PTY_DEADLINE_MS / 1000} s; it said: ${log.trim() || '(nothing)'}`)),
      QEMU_PTY_DEADLINE_MS,
    );
    qemu.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'ENOENT'
          ? new Error(
              `${QEMU} is not installed: install the Debian package qemu-system-arm (sudo apt-get install qemu-system-arm, or run scripts/setup-debian.sh)`,
            )
          : error,
      ),
    );
    const onExit = (code: number | null) => fail(new Error(`${QEMU} ${args.join(' ')} exited (code ${code}): ${log.trim()}`));
    qemu.once('exit', onExit);
    const onLog = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /char device redirected to (\/dev\/pts\/\d+)/.exec(log);
      if (!match) return;
      clearTimeout(timer);
      qemu.off('exit', onExit);
      resolve(match[1]!);
    };
    qemu.stdout!.on('data', onLog);
    qemu.stderr!.on('data', onLog);
  });
  const pid = qemu.pid!;
  runningQemu.add(pid);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (qemu.exitCode === null && qemu.signalCode === null) {
        process.kill(pid, 'SIGTERM');
        const timer = setTimeout(() => qemu.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      runningQemu.delete(pid);
    })());
  try {
    await waitForFriendlyPrompt(port, MICROBIT_BOOT_DEADLINE_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, pid, stop };
}

/**
 * Sends `\r\x03` every half second until `>>> ` comes back (the firmware may still be booting).
 * Note for the engine: qemu's pty backend notices a reopened pty only on a 1 s poll, so the first
 * reply after opening the port again took 1.0–1.1 s (measured); allow for it in deadlines.
 */
async function waitForFriendlyPrompt(port: string, deadlineMs: number): Promise<void> {
  const session = await RawSession.open(port);
  try {
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline) {
      await session.write('\r\x03');
      try {
        await session.readUntil('>>> ', 500);
        return;
      } catch {
        // not booted yet
      }
    }
    throw new Error(`the micro:bit in qemu (${port}) did not show its >>> prompt within ${deadlineMs / 1000} s; it sent: ${session.describeBuffered()}`);
  } finally {
    await session.close();
  }
}

/**
 * A serial port opened with `serialport`, read and written as latin1 strings (one char per byte)
 * so tests can spell exact bytes: `'\x05A\x01'`.
 */
export class RawSession {
  private buffered = '';
  private waiter: (() => void) | undefined;

  private constructor(private readonly serial: SerialPort) {
    serial.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('latin1');
      this.waiter?.();
    });
  }

  static async open(path: string): Promise<RawSession> {
    const serial = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => serial.open((error) => (error ? reject(error) : resolve())));
    return new RawSession(serial);
  }

  async write(bytes: string | Uint8Array): Promise<void> {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
    await new Promise<void>((resolve, reject) => this.serial.write(data, (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) => this.serial.drain((error) => (error ? reject(error) : resolve())));
  }

  /** Everything up to and including the first `suffix`; what follows stays buffered. */
  async readUntil(suffix: string, timeoutMs: number): Promise<string> {
    await this.waitFor(() => this.buffered.includes(suffix), timeoutMs, `"${describe(suffix)}"`);
    const end = this.buffered.indexOf(suffix) + suffix.length;
    const result = this.buffered.slice(0, end);
    this.buffered = this.buffered.slice(end);
    return result;
  }

  async readExactly(count: number, timeoutMs: number): Promise<string> {
    await this.waitFor(() => this.buffered.length >= count, timeoutMs, `${count} bytes`);
    const result = this.buffered.slice(0, count);
    this.buffered = this.buffered.slice(count);
    return result;
  }

  /** Whatever arrived so far (and is taken out of the buffer). */
  take(): string {
    const result = this.buffered;
    this.buffered = '';
    return result;
  }

  describeBuffered(): string {
    return describe(this.buffered);
  }

  async close(): Promise<void> {
    if (!this.serial.isOpen) return;
    await new Promise<void>((resolve) => this.serial.close(() => resolve()));
  }

  private waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`waited ${timeoutMs} ms on ${this.serial.path} for ${what}; received: "${this.describeBuffered()}"`));
      }, timeoutMs);
      this.waiter = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiter = undefined;
        resolve();
      };
    });
  }
}

/** Opens `port`, writes `bytes`, reads until `untilSuffix`, closes: for tests that talk bytes. */
export async function rawExchange(port: string, bytes: string | Uint8Array, untilSuffix: string, timeoutMs: number): Promise<string> {
  const session = await RawSession.open(port);
  try {
    await session.write(bytes);
    return await session.readUntil(untilSuffix, timeoutMs);
  } finally {
    await session.close();
  }
}

function describe(text: string): string {
  return describeBytes(Buffer.from(text, 'latin1'), 400);
}
