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

    const timed = (what: string, command: string, args: string[]) => median(what, runs, () => timeRun(command, args, cwd));
    const nodeMs = (await timed('node -e 0', process.execPath, ['-e', '0'])).medianMs;
    const mpysync = (what: string, args: string[]) => timed(what, installed.bin, args);
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
    for (const figure of commands)
      log(`  ${figure.what.padEnd(44)} ${String(figure.medianMs).padStart(5)} ms  ${(figure.medianMs / nodeMs).toFixed(1)}× node -e 0`);

    // A board the user started (`mpysync virtual`), then syncs: fresh once, then unchanged.
    const board = await startVirtualBoard();
    try {
      const sync = ['sync', 'bench-project', '--port', board.port];
      await timeRun(installed.bin, sync, cwd);
      const bin = await median('mpysync sync, unchanged (node_modules/.bin)', runs, () => timeRun(installed.bin, sync, cwd));
      const npx = await median('npx mpysync sync, unchanged', runs, () => timeRun('npx', ['--no-install', 'mpysync', ...sync], cwd));
      for (const figure of [bin, npx]) log(`  ${figure.what.padEnd(44)} ${String(figure.medianMs).padStart(5)} ms  (exit ${figure.code})`);
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
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  return { what, medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]!), runs, code: codes.size === 1 ? results[0]!.code : null };
}

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
