/**
 * Tools for the reliability suite: run the real CLI (optionally as user `nobody`) and time it,
 * write projects with hostile names, and serve ports that are not MicroPython boards (a pty that
 * echoes, one that never answers). Every child process is stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/mpysync.mjs', import.meta.url));
const SOCAT_START_MS = 5_000;

export interface CliRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** Wall time from spawn to exit, process start included (what a user waits). */
  ms: number;
}

export interface CliOptions {
  /** Kill the CLI (SIGKILL) if it has not ended by then; the run then reports code null. */
  timeoutMs?: number;
  /** Run as this user through `runuser -u USER --` (the tests run as root). */
  user?: string;
}

/** Runs `mpysync ARGS` to its end and measures it. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const child = spawnCli(args, options.user);
  const started = performance.now();
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout), stderr, ms: performance.now() - started });
    });
  });
}

/** Starts `mpysync ARGS` and returns the child (stdout/stderr piped) for tests that act mid-run. */
export function spawnCli(args: string[], user?: string): ChildProcess {
  const command = user ? ['runuser', '-u', user, '--', process.execPath, CLI, ...args] : [process.execPath, CLI, ...args];
  return spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves when `child`'s stderr has matched `pattern`; rejects at `timeoutMs` or when it exits first. */
export function waitForStderr(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(seen);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) done();
    };
    const onExit = (code: number | null) => done(new Error(`the CLI exited (code ${code}) before printing ${pattern}; stderr: ${seen}`));
    const timer = setTimeout(() => done(new Error(`the CLI did not print ${pattern} within ${timeoutMs} ms; stderr: ${seen}`)), timeoutMs);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Writes `files` (relative path → content) under `root`, creating folders. */
export function writeProject(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [relative, content] of Object.entries(files)) {
    const path = join(root, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface FakePort {
  /** A stable path (a symlink socat makes to its pty). */
  path: string;
  stop(): Promise<void>;
}

/** A pty that sends back every byte it is given (a loopback, or a terminal program). */
export function startEchoPty(link: string): Promise<FakePort> {
  return startSocat(link, ['-d', '-d', `PTY,raw,echo=0,link=${link}`, 'EXEC:cat']);
}

/** A pty that never answers: its peer pty exists but nobody reads or writes it. */
export function startSilentPty(link: string): Promise<FakePort> {
  return startSocat(link, ['-d', '-d', `PTY,raw,echo=0,link=${link}`, `PTY,raw,echo=0,link=${link}-peer`]);
}

async function startSocat(link: string, args: string[]): Promise<FakePort> {
  const socat = spawn('socat', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      socat.kill('SIGKILL');
      reject(new Error(`socat ${args.join(' ')} did not start within ${SOCAT_START_MS} ms: ${log}`));
    }, SOCAT_START_MS);
    socat.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error('socat is not installed: this test needs Debian `socat` (apt-get install socat)') : error);
    });
    socat.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/starting data transfer loop/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  socat.stderr.resume();
  return {
    path: link,
    async stop() {
      if (socat.exitCode === null && socat.signalCode === null) process.kill(socat.pid!, 'SIGTERM');
      await exited;
    },
  };
}
