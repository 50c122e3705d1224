/**
 * A sync cut short on the virtual board (MicroPython 1.27): the board process killed in the middle
 * of a transfer, and a board that resets itself (SystemExit) while a file is being written. Each
 * ends within its deadline with an error saying what happened and what to do, and the module on
 * the board is the old one or the new one, never a part of one (temporary name + verified rename).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startVirtualBoard, type VirtualBoardProcess } from '../helpers/boards.ts';
import { runCli, sha256, spawnCli, waitForStderr, writeProject } from '../helpers/hostile.ts';

/** Ending a sync after the board vanished: the promise. */
const KILL_DEADLINE_MS = 5_000;
/** A reset is noticed as soon as the board's banner comes back; the whole CLI run stays under this. */
const RESET_RUN_DEADLINE_MS = 15_000;

/** A Python module of about `bytes` bytes that compresses poorly (so it takes many commands). */
function bigModule(bytes: number): Buffer {
  const lines: string[] = [];
  for (let n = 0; n < bytes; n += 80) lines.push(`# ${randomBytes(57).toString('base64')}`);
  lines.push('VALUE = 1');
  return Buffer.from(lines.join('\n') + '\n');
}

const boards: VirtualBoardProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(boards.map((b) => b.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the board process killed in the middle of a transfer (virtual --persist DIR)', () => {
  const v1 = bigModule(600_000);
  const v2 = bigModule(600_000);
  let persist: string;
  let project: string;

  beforeAll(async () => {
    persist = mkdtempSync(join(tmpdir(), 'mpysync-persist-'));
    project = mkdtempSync(join(tmpdir(), 'mpysync-kill-'));
    dirs.push(persist, project);
    writeProject(project, { 'a.py': 'V = 1\n', 'big.py': v1 });
    const board = await startVirtualBoard({ persist });
    boards.push(board);
    const first = await runCli(['sync', project, '--port', board.port, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(sha256(readFileSync(join(persist, 'big.py')))).toBe(sha256(v1));

    writeProject(project, { 'a.py': 'V = 2\n', 'big.py': v2 });
    const sync = spawnCli(['sync', project, '--port', board.port]);
    const exited = new Promise<number | null>((resolve) => sync.once('close', (code) => resolve(code)));
    let stdout = '';
    sync.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let stderr = await waitForStderr(sync, /sent a\.py/, 30_000);
    sync.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killedAt = performance.now();
    process.kill(board.pid, 'SIGKILL');
    const code = await exited;
    const ms = performance.now() - killedAt;
    console.info(`CLI ended ${Math.round(ms)} ms after the kill (exit ${code}):\n${stdout}${stderr}`);
    killed = { code, ms, output: stdout + stderr };
  });
  let killed: { code: number | null; ms: number; output: string };

  test(`the CLI ends within ${KILL_DEADLINE_MS / 1000} s of the kill, saying the connection closed and what to do`, () => {
    expect(killed.ms).toBeLessThan(KILL_DEADLINE_MS);
    expect(killed.code).toBe(2); // the link to the board was lost: a connection error
    expect(killed.output).toMatch(/the connection to \/dev\/pts\/\d+ closed: the device went away/);
    expect(killed.output).not.toMatch(/closed: the connection to/);
    expect(killed.output).toMatch(
      /every file on the board is either its old or its new version, never half of one\. Reconnect the board and run the sync again/,
    );
    expect(killed.output).toMatch(/failed big\.py/);
  });

  test('restarted on the same folder, the board holds the confirmed a.py and big.py old or new, never partial', () => {
    expect(readFileSync(join(persist, 'a.py'), 'utf8')).toBe('V = 2\n');
    const big = sha256(readFileSync(join(persist, 'big.py')));
    expect([sha256(v1), sha256(v2)]).toContain(big);
  });

  test('the next sync to the restarted board finishes the job and clears the temporary file', async () => {
    const board = await startVirtualBoard({ persist });
    boards.push(board);
    const run = await runCli(['sync', project, '--port', board.port, '--json']);
    expect(run.code, run.stdout.toString() + run.stderr).toBe(0);
    expect(sha256(readFileSync(join(persist, 'big.py')))).toBe(sha256(v2));
    // No temporary file left; beside the files, only the board's id.
    expect(readdirSync(persist).sort()).toEqual(['.mpysync-board-id', 'a.py', 'big.py']);
  });
});

describe('a board that resets itself (SystemExit) while a file is being written', () => {
  const OLD_MAIN = "print('old main')\n";
  const NEW_MAIN = bigModule(150_000);
  /** One-shot: the second write to a file opened for writing calls sys.exit(), after restoring open. */
  const EXIT_ON_SECOND_WRITE = `import builtins, sys
_real_open = open
class _ExitingFile:
    def __init__(self, f):
        self.f = f
        self.writes = 0
    def write(self, data):
        self.writes += 1
        if self.writes == 2:
            builtins.open = _real_open
            sys.exit()
        return self.f.write(data)
    def close(self):
        return self.f.close()
def _open_for_test(path, mode='r', *rest):
    f = _real_open(path, mode, *rest)
    return _ExitingFile(f) if 'w' in mode else f
builtins.open = _open_for_test
`;
  let board: VirtualBoardProcess;
  let project: string;
  const cli = async (...args: string[]) => {
    const run = await runCli([...args, '--port', board.port]);
    expect(run.code, `mpysync ${args.join(' ')}: ${run.stderr}`).toBe(0);
    return run.stdout;
  };

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'mpysync-reset-'));
    dirs.push(project);
    writeProject(project, { 'main.py': NEW_MAIN });
    board = await startVirtualBoard();
    boards.push(board);
    await cli('exec', `f=open('main.py','w');f.write(${JSON.stringify(OLD_MAIN)});f.close()`);
    await cli('exec', EXIT_ON_SECOND_WRITE);
  });

  test('the sync stops with an error that says the board reset and to run it again; main.py is still the old one', async () => {
    const run = await runCli(['sync', project, '--port', board.port]);
    const output = run.stdout.toString() + run.stderr;
    console.info(`${Math.round(run.ms)} ms, exit ${run.code}:\n${output}`);
    expect(run.ms).toBeLessThan(RESET_RUN_DEADLINE_MS);
    expect(run.code).toBe(1);
    expect(output).toMatch(/reset itself while running the command/);
    expect(output).toMatch(/either its old or its new version, never half of one\. Run the sync again to send the rest/);
    expect((await cli('cat', 'main.py')).toString()).toBe(OLD_MAIN);
  });

  test('running the sync again replaces main.py whole and leaves no temporary file', async () => {
    const run = await runCli(['sync', project, '--port', board.port, '--json']);
    expect(run.code, run.stdout.toString() + run.stderr).toBe(0);
    expect(sha256(await cli('cat', 'main.py'))).toBe(sha256(NEW_MAIN));
    const names = (JSON.parse((await cli('ls', '/', '--json')).toString()) as Array<{ name: string }>).map((e) => e.name);
    expect(names).toEqual(['main.py']);
  });
});
