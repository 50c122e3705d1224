/**
 * A class of 30 boards, as a teacher runs it: 30 virtual boards (listed, each its own process)
 * behind 115200-baud lines, and the installed CLI's `mpysync sync DIR --all --json`, fresh and then
 * unchanged, against the same command for one board alone. The CLI's own CPU time (user + system,
 * from bash's `time`) divided by the boards is the host's cost per board.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startVirtualBoard, type VirtualBoardProcess } from '../device/virtual/spawn.ts';
import type { LocalFile } from '../protocol/plan/plan.ts';

export interface ClassRun {
  boards: number;
  wallMs: number;
  /** The virtual boards' own CPU time meanwhile (their processes and socat): the emulation's cost, which real boards do not put on the host. */
  boardCpuMs: number;
  /** The CLI process's CPU time (user + system), and per board. */
  cpuMs: number;
  cpuMsPerBoard: number;
  /** Boards whose sync went through (ok or problems), not failed. */
  synced: number;
  statuses: Record<string, number>;
}

export interface ClassroomFigures {
  boards: number;
  baud: number;
  projectBytes: number;
  fresh: { one: ClassRun; all: ClassRun; ratio: number };
  unchanged: { one: ClassRun; all: ClassRun; ratio: number };
}

export async function measureClassroom(cli: string, files: LocalFile[], count: number, baud: number, log: (line: string) => void): Promise<ClassroomFigures> {
  const work = mkdtempSync(join(tmpdir(), 'mpysync-bench-class-'));
  const project = join(work, 'lesson');
  for (const f of files) {
    mkdirSync(dirname(join(project, f.relative)), { recursive: true });
    writeFileSync(join(project, f.relative), f.bytes);
  }
  const env = { ...process.env, MPYSYNC_RUNTIME_DIR: join(work, 'runtime') };
  const start = (n: number) => startBoards(n, baud, env);
  try {
    log(`class: starting ${count} virtual boards at ${baud} baud…`);
    const one = await start(1);
    const freshOne = await runClass(cli, ['sync', project, '--port', one[0]!.port, '--json'], env, one);
    const unchangedOne = await runClass(cli, ['sync', project, '--port', one[0]!.port, '--json'], env, one);
    await Promise.all(one.map((b) => b.stop()));
    const class_ = await start(count);
    try {
      const freshAll = await runClass(cli, ['sync', project, '--all', '--json'], env, class_);
      const unchangedAll = await runClass(cli, ['sync', project, '--all', '--json'], env, class_);
      const figures = {
        boards: count,
        baud,
        projectBytes: files.reduce((n, f) => n + f.bytes.length, 0),
        fresh: { one: freshOne, all: freshAll, ratio: round(freshAll.wallMs / freshOne.wallMs) },
        unchanged: { one: unchangedOne, all: unchangedAll, ratio: round(unchangedAll.wallMs / unchangedOne.wallMs) },
      };
      for (const [name, f] of [
        ['fresh', figures.fresh],
        ['unchanged', figures.unchanged],
      ] as const) {
        log(
          `class ${name}: ${f.all.boards} boards ${f.all.wallMs} ms wall (${f.all.synced} synced), one board ${f.one.wallMs} ms: ${f.ratio}×; ` +
            `host CPU ${f.all.cpuMs} ms in all, ${f.all.cpuMsPerBoard} ms per board (one board alone: ${f.one.cpuMs} ms); ` +
            `the virtual boards' own CPU ${f.all.boardCpuMs} ms (${round(f.all.boardCpuMs / f.all.wallMs)} cores busy; one board: ${f.one.boardCpuMs} ms)`,
        );
      }
      return figures;
    } finally {
      await Promise.all(class_.map((b) => b.stop()));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Started a few at a time: 30 WebAssembly boards loading at once on 2 cores miss their start deadline. */
async function startBoards(count: number, baud: number, env: NodeJS.ProcessEnv): Promise<VirtualBoardProcess[]> {
  const boards: VirtualBoardProcess[] = [];
  try {
    while (boards.length < count) {
      const batch = Math.min(4, count - boards.length);
      boards.push(...(await Promise.all(Array.from({ length: batch }, () => startVirtualBoard({ baud, listed: true, env })))));
    }
    return boards;
  } catch (error) {
    await Promise.all(boards.map((b) => b.stop()));
    throw error;
  }
}

/** The CLI as a user runs it, timed by bash (`time -p` counts the process's CPU, children included). */
function runClass(cli: string, args: string[], env: NodeJS.ProcessEnv, boards: VirtualBoardProcess[]): Promise<ClassRun> {
  const boardCpuBefore = cpuOf(boards.map((b) => b.pid));
  const quoted = [process.execPath, cli, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const started = performance.now();
  const child = spawn('bash', ['-c', `TIMEFORMAT='cpu %U %S'; time ${quoted}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', () => {
      const wallMs = Math.round(performance.now() - started);
      const boardCpuMs = cpuOf(boards.map((b) => b.pid)) - boardCpuBefore;
      const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      let synced: Array<{ status: string }>;
      try {
        synced = (JSON.parse(stdout) as { boards: Array<{ status: string }> }).boards;
      } catch {
        reject(new Error(`mpysync ${args.join(' ')} printed no JSON; it said: ${stderr.slice(-2000)}`));
        return;
      }
      const cpuMs = cpu ? Math.round((Number(cpu[1]) + Number(cpu[2])) * 1000) : NaN;
      const statuses: Record<string, number> = {};
      for (const b of synced) statuses[b.status] = (statuses[b.status] ?? 0) + 1;
      resolve({
        boards: synced.length,
        wallMs,
        boardCpuMs,
        cpuMs,
        cpuMsPerBoard: Math.round(cpuMs / Math.max(1, synced.length)),
        synced: synced.filter((b) => b.status !== 'failed').length,
        statuses,
      });
    });
  });
}

const round = (x: number) => Math.round(x * 100) / 100;

/** CPU time (user + system, ms) of these processes and their children so far, from /proc (Linux). */
function cpuOf(pids: number[]): number {
  const ticksMs = 10; // USER_HZ is 100 on Linux
  let ticks = 0;
  const visit = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean)) visit(Number(child));
    } catch {
      // gone
    }
  };
  for (const pid of pids) visit(pid);
  return ticks * ticksMs;
}
