/**
 * Ports that are not a usable MicroPython board: `mpysync probe --port X` must end with exit code 2
 * and a message that says what is wrong and what to do, within 5 s of wall time (process start
 * and close included: what the user waits).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RawSession, startVirtualBoard, type VirtualBoardProcess } from '../helpers/boards.ts';
import { runCli, startEchoPty, startSilentPty, type CliRun, type FakePort } from '../helpers/hostile.ts';

const DEADLINE_MS = 5_000;

function expectClearFailure(run: CliRun, message: RegExp): void {
  expect(run.stderr, `stdout: ${run.stdout.toString()}`).toMatch(message);
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n'), 'one line, no stack trace').toHaveLength(1);
  expect(run.ms, `took ${Math.round(run.ms)} ms`).toBeLessThan(DEADLINE_MS);
  console.info(`${Math.round(run.ms)} ms: ${run.stderr.trim()}`);
}

describe('wrong ports give a clear error within 5 s (mpysync probe, exit code 2)', () => {
  let dir: string;
  let board: VirtualBoardProcess;
  const fakes: FakePort[] = [];

  beforeAll(async () => {
    expect(process.getuid?.(), 'these tests drop to user nobody, so they must run as root').toBe(0);
    dir = mkdtempSync(join(tmpdir(), 'mpysync-ports-'));
    chmodSync(dir, 0o755);
    board = await startVirtualBoard();
  });
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.stop()));
    await board?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a path that does not exist', async () => {
    expectClearFailure(await runCli(['probe', '--port', join(dir, 'ttyACM9')]), /no such port .*ttyACM9; `mpysync ports` lists/);
  });

  test('a port the user may not open (run as nobody; the pty is root-only)', async () => {
    const run = await runCli(['probe', '--port', board.port], { user: 'nobody' });
    expectClearFailure(run, new RegExp(`permission denied opening ${board.port}: .*(dialout|owner)`));
  });

  test('a port held by another program', async () => {
    const holder = await RawSession.open(board.port);
    try {
      expectClearFailure(await runCli(['probe', '--port', board.port]), new RegExp(`another program holds ${board.port} .*close it and try again`));
    } finally {
      await holder.close();
    }
    // Once released, the same port works: the failure was the lock, not the board.
    const ok = await runCli(['probe', '--port', board.port, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  test('a pty that echoes everything (a loopback, not a REPL)', async () => {
    const echo = await startEchoPty(join(dir, 'echo'));
    fakes.push(echo);
    expectClearFailure(await runCli(['probe', '--port', echo.path]), /could not enter the raw REPL .*echoes everything it is sent/);
  });

  test('a pty that never answers', async () => {
    const silent = await startSilentPty(join(dir, 'silent'));
    fakes.push(silent);
    expectClearFailure(
      await runCli(['probe', '--port', silent.path]),
      /could not enter the raw REPL on .*silent: received nothing in \d.* — is a MicroPython board on this port/,
    );
  });
});
