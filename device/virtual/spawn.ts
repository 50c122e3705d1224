/**
 * Starts `mpysync virtual --json` as a child process: a private virtual board for `--port virtual`
 * and for tests. The board lives in its own process so that killing it is exactly like unplugging
 * a board, and a program running on it never blocks the caller.
 */
import { spawn } from 'node:child_process';
import { MpysyncError } from '../../protocol/errors.ts';
import { cliEntry } from '../package-info.ts';

const START_DEADLINE_MS = 10_000;
const STOP_DEADLINE_MS = 5_000;

export interface VirtualBoardOptions {
  /** Keep the board's filesystem in this folder (see `mpysync virtual --persist`). */
  persist?: string;
  /** false: the board declines raw-paste, as firmware before v1.14. Default true. */
  rawPaste?: boolean;
  /** Pace the link like a USB-serial bridge at this baud rate (see `mpysync virtual --baud`). Default: no limit. */
  baud?: number;
  /** A heap of this many bytes that cannot grow (see `mpysync virtual --heap`). */
  heapBytes?: number;
  /** With heapBytes: the heap starts in pieces of this size (see `mpysync virtual --fragment`). */
  fragmentBytes?: number;
  /** Listed like a plugged-in board (`mpysync ports`, `--all`); default false: a private board for one command. */
  listed?: boolean;
  /** Environment for the board process (e.g. `MPYSYNC_RUNTIME_DIR`, where listed boards are announced). */
  env?: NodeJS.ProcessEnv;
}

export interface VirtualBoardProcess {
  port: string;
  pid: number;
  /** Its `machine.unique_id()` as the probe reads it. */
  id: string;
  /** Kills the board process by its pid and waits for it to exit. Harmless to call twice. */
  stop(): Promise<void>;
}

/** Every board started here, killed if this process exits without stopping them. */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) killQuietly(pid, 'SIGKILL');
});

export async function startVirtualBoard(options: VirtualBoardOptions = {}): Promise<VirtualBoardProcess> {
  const args = [cliEntry(), 'virtual', '--json', '--exit-with-parent'];
  if (options.persist !== undefined) args.push('--persist', options.persist);
  if (options.rawPaste === false) args.push('--no-raw-paste');
  if (options.baud !== undefined) args.push('--baud', String(options.baud));
  if (options.heapBytes !== undefined) args.push('--heap', String(options.heapBytes));
  if (options.fragmentBytes !== undefined) args.push('--fragment', String(options.fragmentBytes));
  if (!options.listed) args.push('--no-listed');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });

  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

  const first = await new Promise<{ port: string; pid: number; id: string }>((resolve, reject) => {
    let stdout = '';
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      const said = stderr.trim() ? `; it said: ${stderr.trim()}` : '';
      reject(new MpysyncError('virtual-board-start', `the virtual board (${process.execPath} ${args.join(' ')}) ${why}${said}`));
    };
    const timer = setTimeout(() => fail(`did not report its port within ${START_DEADLINE_MS / 1000} s`), START_DEADLINE_MS);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => setTimeout(() => fail(`exited (${signal ?? `exit code ${code}`}) before reporting its port`), 50));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline < 0 || settled) return;
      try {
        const parsed = JSON.parse(stdout.slice(0, newline)) as { port: string; pid: number; id: string };
        settled = true;
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        fail(`printed ${JSON.stringify(stdout.slice(0, newline))} instead of {"port", "pid"}`);
      }
    });
  });
  child.stdout!.resume();
  running.add(first.pid);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      killQuietly(first.pid, 'SIGTERM');
      const timer = setTimeout(() => killQuietly(first.pid, 'SIGKILL'), STOP_DEADLINE_MS);
      await exited;
      clearTimeout(timer);
      running.delete(first.pid);
    })());
  return { port: first.port, pid: first.pid, id: first.id, stop };
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
