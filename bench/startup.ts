/**
 * Start-up as a user meets it: the package packed and installed into an empty folder, each command
 * run from its node_modules/.bin (and `npx`), medians of several runs, against `node -e 0` on the
 * same machine in the same run; and the unchanged re-sync of the benchmark project, end to end.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startVirtualBoard } from '../device/virtual/spawn.ts';
import { packAndInstall, ROOT } from '../test/helpers/installed-package.ts';
import type { BenchFile } from './project.ts';

export interface StartupFigure {
  what: string;
  medianMs: number;
  runs: number;
  /** The exit code every run gave. */
  code: number | null;
  /** The median, over runs, of this run's time over a `node -e 0` run just before it. */
  nodeRatio?: number;
}

export interface StartupResult {
  nodeMs: number;
  commands: StartupFigure[];
  /** `mpysync sync` of the unchanged benchmark project on a virtual board, as a user runs it. */
  unchangedResync: { bin: StartupFigure; npx: StartupFigure };
}

/** A port that does not exist: a board command starts, loads what it needs, and stops at the open. */
const NO_PORT = '/dev/mpysync-bench-no-such-port';

export async function measureStartup(project: BenchFile[], runs: number, log: (line: string) => void): Promise<StartupResult> {
  const work = mkdtempSync(join(tmpdir(), 'mpysync-startup-'));
  try {
    const installed = await packAndInstall(work);
    const cwd = installed.folder;
    const corpus = join(cwd, 'fifty-mpy');
    mkdirSync(corpus);
    const corpusSource = join(ROOT, 'test/fixtures/mpy-corpus/files');
    for (const name of readdirSync(corpusSource).slice(0, 50)) cpSync(join(corpusSource, name), join(corpus, name));
    const projectDir = join(cwd, 'bench-project');
    for (const file of project) {
      mkdirSync(dirname(join(projectDir, file.relative)), { recursive: true });
      writeFileSync(join(projectDir, file.relative), file.bytes);
    }

    // Each run of a command is paired with a run of `node -e 0` just before it, so that both see the
    // same machine (this one's load varies by tens of ms); the ratio is the median of the pairs'.
    const nodeRuns: number[] = [];
    const mpysync = async (what: string, args: string[]): Promise<StartupFigure> => {
      const ratios: number[] = [];
      const figure = await median(what, runs, async () => {
        const node = await timeRun(process.execPath, ['-e', '0'], cwd);
        const run = await timeRun(installed.bin, args, cwd);
        nodeRuns.push(node.ms);
        ratios.push(run.ms / node.ms);
        return run;
      });
      return { ...figure, nodeRatio: round(middle(ratios)) };
    };
    const commands: StartupFigure[] = [
      await mpysync('mpysync --version', ['--version']),
      await mpysync('mpysync --help', ['--help']),
      await mpysync('mpysync check (50 .mpy files)', ['check', '--board-mpy', 'rp2040', 'fifty-mpy']),
      await mpysync('mpysync check --json (50 .mpy files)', ['check', '--board-mpy', 'rp2040', 'fifty-mpy', '--json']),
      await mpysync('mpysync inspect (one file)', ['inspect', join('fifty-mpy', readdirSync(corpus)[0]!)]),
      await mpysync('mpysync ports --json', ['ports', '--json']),
    ];
    for (const command of ['probe', 'exec 1', 'ls', 'cat main.py', 'rm old.py', 'plan bench-project', 'sync bench-project', 'repl']) {
      commands.push(await mpysync(`mpysync ${command} (to the port's open)`, [...command.split(' '), '--port', NO_PORT]));
    }
    commands.push(await median('mpysync virtual (to its port)', Math.min(runs, 3), () => timeToFirstLine(installed.bin, ['virtual', '--json'], cwd)));
    const nodeMs = Math.round(middle(nodeRuns));
    log(`  ${'node -e 0'.padEnd(50)} ${String(nodeMs).padStart(5)} ms`);
    for (const figure of commands) {
      const ratio = figure.nodeRatio === undefined ? '' : `  ${figure.nodeRatio.toFixed(1)}× node -e 0`;
      log(`  ${figure.what.padEnd(50)} ${String(figure.medianMs).padStart(5)} ms${ratio}`);
    }

    // A board the user started (`mpysync virtual`), then syncs: fresh once, then unchanged.
    const board = await startVirtualBoard();
    try {
      const sync = ['sync', 'bench-project', '--port', board.port];
      await timeRun(installed.bin, sync, cwd);
      const bin = await median('mpysync sync, unchanged (node_modules/.bin)', runs, () => timeRun(installed.bin, sync, cwd));
      const npx = await median('npx mpysync sync, unchanged', runs, () => timeRun('npx', ['--no-install', 'mpysync', ...sync], cwd));
      // What npx (npm's own CLI) adds to any command: `npx mpysync --version` against `mpysync --version`.
      commands.push(await median('npx mpysync --version', runs, () => timeRun('npx', ['--no-install', 'mpysync', '--version'], cwd)));
      log(`  ${'npx mpysync --version'.padEnd(50)} ${String(commands.at(-1)!.medianMs).padStart(5)} ms  (npm's own start-up)`);
      for (const figure of [bin, npx]) log(`  ${figure.what.padEnd(50)} ${String(figure.medianMs).padStart(5)} ms  (exit ${figure.code})`);
      return { nodeMs, commands, unchangedResync: { bin, npx } };
    } finally {
      await board.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function median(what: string, runs: number, once: () => Promise<{ ms: number; code: number | null }>): Promise<StartupFigure> {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  const codes = new Set(results.map((r) => r.code));
  return { what, medianMs: Math.round(middle(results.map((r) => r.ms))), runs, code: codes.size === 1 ? results[0]!.code : null };
}

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round = (x: number) => Math.round(x * 100) / 100;

function timeRun(command: string, args: string[], cwd: string): Promise<{ ms: number; code: number | null }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 60_000 }, (error) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ ms: performance.now() - started, code });
    });
  });
}

/** Until the first line on stdout (a server's "ready"), then the process is stopped. */
function timeToFirstLine(command: string, args: string[], cwd: string): Promise<{ ms: number; code: number | null }> {
  const started = performance.now();
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
  let firstLineMs: number | null = null;
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (firstLineMs !== null || !chunk.includes(0x0a)) return;
      firstLineMs = performance.now() - started;
      child.kill('SIGTERM');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(firstLineMs === null ? { ms: performance.now() - started, code } : { ms: firstLineMs, code: 0 });
    });
  });
}
