/**
 * Issue 13's class: boards known by id and name, synced as they are plugged in. Three virtual
 * boards (two started after the command) and the micro:bit in qemu in one `sync --watch-ports`
 * run; a fourth virtual board killed mid-sync; then `--retry-failed` syncs only that one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrobit, startVirtualBoard, type BoardProcess, type VirtualBoardProcess } from '../helpers/boards.ts';
import { CLI, runCli, runCliJson } from '../helpers/cli.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/sync-project', import.meta.url));

/** `mpysync …` left running, its stdout read as JSON lines and its stderr as text, as they come. */
class RunningCli {
  readonly child: ChildProcess;
  readonly lines: Array<Record<string, any>> = [];
  stderr = '';
  private stdout = '';
  private readonly exited: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
      let newline;
      while ((newline = this.stdout.indexOf('\n')) >= 0) {
        this.lines.push(JSON.parse(this.stdout.slice(0, newline)));
        this.stdout = this.stdout.slice(newline + 1);
      }
      this.wake();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      this.wake();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves when `ready()` holds; the test fails (it never hangs) after `ms`. */
  async until(what: string, ready: () => boolean, ms = 90_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}\nstdout lines: ${JSON.stringify(this.lines)}\nstderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  }

  async interrupt(): Promise<number | null> {
    this.child.kill('SIGINT');
    return this.exited;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

describe('a class synced as the boards are plugged in', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpysync-class-'));
  const project = join(dir, 'class-project');
  cpSync(FIXTURE, project, { recursive: true });
  const env = { MPYSYNC_RUNTIME_DIR: join(dir, 'runtime') };
  const roster = join(project, 'mpysync-roster.json');
  const boards: Array<BoardProcess | VirtualBoardProcess> = [];
  let microbit: BoardProcess;
  let first: VirtualBoardProcess;
  // A board whose id is known before it starts: its --persist folder keeps it.
  const laterDir = join(dir, 'later-board');
  const laterId = '00c0ffee00c0ffee';
  const slowDir = join(dir, 'slow-board');
  let summary: Record<string, any>;
  let watch: RunningCli;

  const startListed = async (options: Parameters<typeof startVirtualBoard>[0] = {}) => {
    const board = await startVirtualBoard({ ...options, listed: true, env: { ...process.env, ...env } });
    boards.push(board);
    return board;
  };

  beforeAll(async () => {
    microbit = await startMicrobit();
    boards.push(microbit);
    first = await startListed();
    mkdirSync(laterDir);
    writeFileSync(join(laterDir, '.mpysync-board-id'), laterId + '\n');
  });
  afterAll(async () => Promise.all(boards.map((b) => b.stop())));

  it('one board synced leaves no roster in the folder; several (--all) start one', async () => {
    const single = join(dir, 'single');
    cpSync(FIXTURE, single, { recursive: true });
    const one = await runCliJson(['sync', single, '--port', first.port], { env, timeoutMs: 60_000 });
    expect(one.json.boards[0]).toMatchObject({ id: first.id, label: null, status: 'problems' });
    expect(existsSync(join(single, 'mpysync-roster.json'))).toBe(false);
    await runCliJson(['sync', single, '--all'], { env, timeoutMs: 60_000 });
    expect(Object.keys(JSON.parse(readFileSync(join(single, 'mpysync-roster.json'), 'utf8')).boards)).toEqual([first.id]);
    // Named, it is named in the progress lines and the summary from its probe on.
    await runCli(['label', '--port', first.port, 'Solo', '--roster', join(single, 'mpysync-roster.json')], { env });
    const text = await runCli(['sync', single, '--all'], { env, timeoutMs: 60_000 });
    expect(text.stderr).toContain(`[Solo (${first.port})] plan: 0 to send`);
    expect(text.stdout).toMatch(new RegExp(`Solo \\(${first.port}\\) +micropython 1\\.27\\.0`));
  });

  it('--watch-ports with --delete asks for --yes first (nobody answers for each board); a damaged roster is said, naming it', async () => {
    const run = await runCli(['sync', project, '--watch-ports', '--delete'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--watch-ports with --delete removes files from every board plugged in without asking: give --yes too/);
    const privateBoard = await runCli(['label', '--port', 'virtual', 'Nobody'], { env });
    expect(privateBoard.code).toBe(2);
    expect(privateBoard.stderr).toMatch(/a private virtual board \(--port virtual\) has a new id every time/);
    const damaged = join(dir, 'damaged.json');
    writeFileSync(damaged, '{"boards": ');
    const bad = await runCli(['sync', project, '--all', '--roster', damaged], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`the roster ${damaged} is not JSON`);
  });

  it('mpysync ports lists a running virtual board with its id; label names a board in the roster', async () => {
    const { json: ports } = await runCliJson(['ports'], { env });
    expect(ports).toContainEqual(expect.objectContaining({ path: first.port, virtual: true, id: first.id }));
    for (const [port, name] of [
      [first.port, 'Table 1 · Ada'],
      [microbit.port, 'Table 2 · micro:bit'],
    ] as const) {
      const run = await runCli(['label', '--port', port, name, '--roster', roster], { env, timeoutMs: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(new RegExp(`\\(id [0-9a-f]+\\) is now "${name}"`));
    }
    // The micro:bit's id is its machine.unique_id(); the roster knows both by id.
    const content = JSON.parse(readFileSync(roster, 'utf8'));
    expect(content.boards[first.id].label).toBe('Table 1 · Ada');
    expect(Object.values(content.boards).map((b: any) => b.label)).toContain('Table 2 · micro:bit');
    // A board not plugged in yet can be named by its id.
    content.boards[laterId] = { label: 'Table 3 · Grace' };
    writeFileSync(roster, JSON.stringify(content));
  });

  it('--watch-ports syncs each board once as it appears, and a board killed mid-sync fails alone', async () => {
    const report = join(dir, 'class.html');
    watch = new RunningCli(['sync', project, '--watch-ports', '--port', microbit.port, '--json', '--report', report], env);
    const finished = (port: string) => watch.lines.filter((l) => l.port === port);
    await watch.until('the first two boards', () => finished(first.port).length === 1 && finished(microbit.port).length === 1, 120_000);

    // Plugged in after the command started.
    const later = await startListed({ persist: laterDir });
    expect(later.id).toBe(laterId);
    const third = await startListed();
    await watch.until('the two later boards', () => finished(later.port).length === 1 && finished(third.port).length === 1);

    // A slow link (a sync of many seconds), killed once its plan is made: unplugged mid-sync.
    const slow = await startListed({ baud: 9600, persist: slowDir });
    await watch.until('the slow board to be planned', () => watch.stderr.includes(`[${slow.port}] plan:`));
    process.kill(slow.pid, 'SIGKILL');
    await watch.until('the slow board to fail', () => finished(slow.port).length === 1);

    // Unplugged when done and plugged back (the same board: its id kept): synced again.
    process.kill(later.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const laterAgain = await startListed({ persist: laterDir });
    const ofLater = () => watch.lines.filter((l) => l.id === laterId);
    await watch.until('the board plugged back in', () => ofLater().length === 2);
    expect(ofLater()[1]).toMatchObject({ port: laterAgain.port, label: 'Table 3 · Grace', status: 'problems', skipped: expect.arrayContaining(['main.py']) });

    expect(await watch.interrupt()).toBe(2); // a board was lost on the way
    summary = watch.lines.at(-1)!;
    expect(summary.boards).toHaveLength(6);
    const byPort = new Map(summary.boards.map((b: any) => [b.port, b]));
    for (const board of [first, microbit, third]) {
      expect(finished(board.port)).toHaveLength(1); // each synced once
      expect(byPort.get(board.port)).toMatchObject({ status: 'problems', error: null }); // turbo.mpy is refused everywhere
    }
    expect(byPort.get(first.port)).toMatchObject({ id: first.id, label: 'Table 1 · Ada' });
    expect(ofLater()[0]).toMatchObject({ port: later.port, id: laterId, label: 'Table 3 · Grace', status: 'problems' });
    expect(byPort.get(microbit.port)).toMatchObject({ label: 'Table 2 · micro:bit', id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(byPort.get(third.port)).toMatchObject({ id: third.id, label: null });
    // By id: the board plugged back in may have been given the slow board's freed pty.
    expect(summary.boards.filter((b: any) => b.id === slow.id)).toEqual([
      expect.objectContaining({ status: 'failed', port: slow.port, error: expect.stringMatching(/went away/) }),
    ]);

    // The report says the micro:bit's own refusals once, naming it alone.
    const html = readFileSync(report, 'utf8');
    expect(html.match(/<tr class="/g)).toHaveLength(6);
    const microbitOnly = html.match(/1 of 6 boards: Table 2 · micro:bit \([^)]+\)/g) ?? [];
    expect(microbitOnly.length).toBeGreaterThan(0);

    // The roster keeps each board's last sync.
    const kept = JSON.parse(readFileSync(roster, 'utf8')).boards;
    expect(kept[slow.id].last.status).toBe('failed');
    expect(kept[first.id].last).toMatchObject({ status: 'problems', refused: ['lib/turbo.mpy'] });
  });

  it('a second Ctrl-C stops at once: the board still syncing is in the summary as stopped, and the command ends', async () => {
    const slow = await startVirtualBoard({ baud: 9600, listed: true, env: { ...process.env, ...env } });
    try {
      const run = new RunningCli(['sync', project, '--watch-ports', '--json'], env);
      await run.until('the slow board to be planned', () => run.stderr.includes(`[${slow.port}] plan:`));
      run.child.kill('SIGINT');
      await run.until('the wait to be said', () => run.stderr.includes('waiting for 1 board(s) still syncing; Ctrl-C again stops at once'));
      const started = performance.now();
      expect(await run.interrupt()).toBe(1); // a sync did not finish; no board was out of reach
      expect(performance.now() - started).toBeLessThan(3_000);
      const stopped = run.lines.at(-1)!.boards.find((b: any) => b.port === slow.port);
      expect(stopped).toMatchObject({ status: 'failed', error: 'stopped by Ctrl-C before its sync finished' });
    } finally {
      await slow.stop();
    }
  });

  it('--retry-failed syncs only the board whose last sync failed', async () => {
    const slowAgain = await startListed({ persist: slowDir });
    const { result, json } = await runCliJson(['sync', project, '--all', '--port', microbit.port, '--retry-failed'], { env, timeoutMs: 120_000 });
    expect(json.boards.map((b: any) => b.port)).toEqual([slowAgain.port]);
    expect(json.boards[0]).toMatchObject({ id: summary.boards.find((b: any) => b.status === 'failed').id, status: 'problems' });
    expect(json.passedOver).toHaveLength(4);
    expect(
      json.passedOver
        .map((b: any) => b.label)
        .filter(Boolean)
        .sort(),
    ).toEqual(['Table 1 · Ada', 'Table 2 · micro:bit', 'Table 3 · Grace']);
    expect(result.code).toBe(1);

    const { stdout } = await runCli(['roster', '--roster', roster], { env });
    expect(stdout).toMatch(/Table 1 · Ada .*problems: lib\/turbo\.mpy refused/);
    expect(stdout).toMatch(/5 board\(s\) in /);
  });
});
