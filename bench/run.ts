/**
 * `npm run bench [-- --json] [-- --no-microbit] [-- --startup-only] [-- --class-only]`: the installed package's start-up
 * (bench/startup.ts), then syncs the benchmark project (bench/project.ts) to fresh virtual boards
 * (MicroPython 1.27, WebAssembly, behind a pty) and to the micro:bit in qemu, prints a table, and
 * writes every number to bench-results/latest.json.
 */
import { CommandCache } from '../protocol/transfer/index.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { startVirtualBoard, type VirtualBoardOptions, type VirtualBoardProcess } from '../device/virtual/spawn.ts';
import type { LocalFile } from '../protocol/plan/plan.ts';
import { startMicrobit } from '../test/helpers/boards.ts';
import { measureSync, type FeatureOverride, type Measurement } from './measure.ts';
import { BENCH_SEED, generateBenchProject, type BenchFile } from './project.ts';
import { measurePageSync } from './page.ts';
import { measureStartup } from './startup.ts';
import { measureClassroom, type ClassroomFigures } from './classroom.ts';
import { cliEntry } from '../device/package-info.ts';

interface Row extends Measurement {
  scenario: string;
  board: string;
  /** wireBytesSent / payloadBytes; null when nothing was sent. */
  wirePerPayload: number | null;
  transferWirePerPayload: number | null;
  /** The round-trip allowance of the target: 2 per file sent + 1 per 4 KB written. */
  roundTripLimit: number;
}

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const withMicrobit = !args.has('--no-microbit');
const startupOnly = args.has('--startup-only');
const classOnly = args.has('--class-only');
/** A class, as issue 13 sizes it: 30 boards, each behind a 115200-baud bridge, a lesson's project. */
const CLASS_BOARDS = 30;
const LESSON = generateBenchProject(BENCH_SEED, { files: 12, bytes: 48 * 1024 });
/** Runs of each start-up figure (its median is reported). */
const STARTUP_RUNS = 9;
const log = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');

const project = generateBenchProject();
const binary = project.filter((f) => f.kind === 'binary');
const text = project.filter((f) => f.kind === 'text');
const rows: Row[] = [];
const MICROBIT = 'micro:bit 1.9.2 (qemu)';
const MICROBIT_LITERAL = 'micro:bit, literals (forced)';
/** A classroom ESP32 DevKit's link: a CP2102/CH340 USB-serial bridge at 115200 baud, 8N1. */
const CLASSROOM_BAUD = 115200;
const PACED = `virtual 1.27 @ ${CLASSROOM_BAUD} baud`;

function row(scenario: string, board: string, m: Measurement): Row {
  const r: Row = {
    scenario,
    board,
    ...m,
    wirePerPayload: m.payloadBytes ? round(m.wireBytesSent / m.payloadBytes) : null,
    transferWirePerPayload: m.payloadBytes ? round(m.transferWireBytes / m.payloadBytes) : null,
    roundTripLimit: 2 * m.uploaded + Math.ceil(m.wireBytesSent / 4096),
  };
  rows.push(r);
  log(formatRow(r));
  return r;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function withVirtualBoards<T>(count: number, job: (boards: VirtualBoardProcess[]) => Promise<T>, options: VirtualBoardOptions = {}): Promise<T> {
  const boards = await Promise.all(Array.from({ length: count }, () => startVirtualBoard(options)));
  try {
    return await job(boards);
  } finally {
    await Promise.all(boards.map((b) => b.stop()));
  }
}

/** One fresh virtual board, one sync. */
function fresh(scenario: string, files: LocalFile[], override: FeatureOverride = {}, board = 'virtual 1.27'): Promise<Row> {
  return withVirtualBoards(1, async ([b]) => row(scenario, board, await measureSync(b!.port, files, override)));
}

/** The project with one line added to its first .py file. */
function variant(files: BenchFile[], mark: string): BenchFile[] {
  const target = files.findIndex((f) => f.kind === 'text');
  return files.map((f, i) =>
    i === target ? { ...f, bytes: new Uint8Array([...f.bytes, ...new TextEncoder().encode(`# changed for the benchmark (${mark})\n`)]) } : f,
  );
}

/**
 * The micro:bit (in qemu) has one flat folder of 15 KB (measured: a file that would pass it is
 * removed), no os.rename (the verified copy is copied over the old file, so a file needs twice its
 * size while it lands) and no .mpy loader: three .py files, flattened, each cut to about 2.5 KB.
 */
/** Boots a micro:bit in qemu for `use`, and stops it after. */
async function onFreshMicrobit(use: (port: string) => Promise<void>): Promise<void> {
  const board = await startMicrobit();
  try {
    await use(board.port);
  } finally {
    await board.stop();
  }
}

/** 3 KB of the benchmark's binary half (bytes the micro:bit keeps as data; its firmware loads no .mpy). */
function microbitBinary(files: BenchFile[]): BenchFile[] {
  return [{ ...files[0]!, relative: 'blob.bin', bytes: files[0]!.bytes.subarray(0, 3000) }];
}

function microbitSubset(files: BenchFile[]): BenchFile[] {
  return files
    .filter((f) => f.kind === 'text')
    .slice(0, 3)
    .map((f) => {
      const cut = f.bytes.subarray(0, f.bytes.lastIndexOf(0x0a, 2500) + 1);
      return { ...f, relative: f.relative.split('/').pop()!, bytes: cut };
    });
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const machine = { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  log(
    `benchmark project: ${project.length} files, ${sum(project)} bytes (binary ${binary.length} files ${sum(binary)} B, text ${text.length} files ${sum(text)} B), seed ${BENCH_SEED}`,
  );

  if (classOnly) {
    const classroom = await measureClassroom(cliEntry(), LESSON, CLASS_BOARDS, CLASSROOM_BAUD, log);
    return report({ classroom, targets: classTargets(classroom) });
  }
  log(`start-up of the installed package (median of ${STARTUP_RUNS} runs each):`);
  const startup = await measureStartup(project, STARTUP_RUNS, log);
  const ratio = (what: string) => startup.commands.find((c) => c.what === what)!.nodeRatio!;
  const startupTargets = {
    versionStartup: target(ratio('mpysync --version'), 3),
    checkStartup: target(ratio('mpysync check (50 .mpy files)'), 3),
    unchangedResyncWallMs: target(startup.unchangedResync.bin.medianMs, 500),
  };
  if (startupOnly) return report({ startup, targets: startupTargets });

  log('');
  log(header());

  // One board through fresh → unchanged → one file changed.
  await withVirtualBoards(1, async ([b]) => {
    row('fresh, whole project', 'virtual 1.27', await measureSync(b!.port, project));
    row('unchanged re-sync', 'virtual 1.27', await measureSync(b!.port, project));
    row('one file changed', 'virtual 1.27', await measureSync(b!.port, variant(project, 'changed')));
  });

  // The page, on the same project to the same kind of board: the in-page board in a Web Worker.
  const pageSync = await measurePageSync(project);
  const cliFresh = rows.find((r) => r.scenario === 'fresh, whole project')!;
  const cliRate = Math.round(sum(project) / (cliFresh.ms / 1000));
  log(
    `page (Chromium, in-page virtual board): fresh, whole project ${pageSync.ms} ms, ${Math.round(pageSync.bytesPerSecond / 1024)} KB/s of files ` +
      `(${pageSync.status}); the CLI ${cliFresh.ms} ms, ${Math.round(cliRate / 1024)} KB/s`,
  );

  await fresh('binary half alone', binary);
  await fresh('text half alone', text);
  await fresh('binary half alone', binary, { deflate: false }, 'binascii only (forced)');
  await fresh('text half alone', text, { deflate: false }, 'binascii only (forced)');
  await fresh('binary half alone', binary, { deflate: false, binascii: false }, 'neither (forced)');
  await fresh('text half alone', text, { deflate: false, binascii: false }, 'neither (forced)');
  await fresh('binary half alone', binary, { deflate: false, rawBytesLiterals: false }, 'ascii-only + binascii (forced)');
  await fresh('binary half alone', binary, { deflate: false, binascii: false, rawBytesLiterals: false }, 'ascii-only, neither (forced)');

  // Four boards at once, against one board alone under the same conditions: warm host, and a
  // project variant never sent before, so both compress once (boards synced together share it).
  // Each board is its own process (WebAssembly MicroPython + socat); all share this machine's cores.
  // Unpaced, the link runs at memory speed and the figure is the emulation's CPU contention; paced
  // at 115200 baud, the link is the bottleneck, as for boards behind USB-serial bridges.
  const parallel = await fourAtOnce('virtual 1.27', {}, 'A', 'B');
  const parallelPaced = await fourAtOnce(PACED, { baud: CLASSROOM_BAUD }, 'C', 'D');

  log('');
  const classroom = await measureClassroom(cliEntry(), LESSON, CLASS_BOARDS, CLASSROOM_BAUD, log);

  let microbit: { files: number; bytes: number } | null = null;
  const microbitErrors: string[] = [];
  if (withMicrobit) {
    const subset = microbitSubset(project);
    const attempt = async (port: string, scenario: string, files: LocalFile[], override: FeatureOverride = {}, board = MICROBIT) => {
      try {
        row(scenario, board, await measureSync(port, files, override));
      } catch (error) {
        microbitErrors.push(`${scenario}: ${(error as Error).message}`);
        log(`micro:bit ${scenario}: FAILED: ${(error as Error).message}`);
      }
    };
    // A fresh board (an empty file system) for each: its 15 KB of flash holds one scenario at a time.
    await onFreshMicrobit(async (port) => {
      await attempt(port, 'fresh, flat .py subset', subset);
      await attempt(port, 'unchanged re-sync', subset);
      await attempt(port, 'one file changed', variant(subset, 'changed'));
    });
    await onFreshMicrobit((port) => attempt(port, 'fresh, flat .py subset', subset, { consoleInput: false }, MICROBIT_LITERAL));
    const blob = microbitBinary(binary);
    await onFreshMicrobit((port) => attempt(port, 'one binary file', blob));
    await onFreshMicrobit((port) => attempt(port, 'one binary file', blob, { consoleInput: false }, MICROBIT_LITERAL));
    microbit = { files: subset.length, bytes: sum(subset) };
  }

  const find = (scenario: string, board: string) => rows.find((r) => r.scenario === scenario && r.board === board)!;
  const targets = {
    deflateBinary: target(find('binary half alone', 'virtual 1.27').wirePerPayload!, 0.6),
    deflateText: target(find('text half alone', 'virtual 1.27').wirePerPayload!, 0.6),
    binasciiOnlyBinary: target(find('binary half alone', 'binascii only (forced)').wirePerPayload!, 1.4),
    binasciiOnlyText: target(find('text half alone', 'binascii only (forced)').wirePerPayload!, 1.4),
    // Every board the project's files go to as the probe chooses (the forced literal micro:bit rows are a comparison).
    roundTripsPerFile: { ok: rows.filter((r) => r.uploaded > 0 && r.board !== MICROBIT_LITERAL).every((r) => r.roundTrips <= r.roundTripLimit) },
    // The worst board: the micro:bit (no raw-paste) as well as the virtual one.
    unchangedRoundTrips: target(Math.max(...rows.filter((r) => r.scenario === 'unchanged re-sync').map((r) => r.roundTrips)), 3),
    parallelSlowdown: target(round(parallel.wallMs / parallel.aloneMs), 1.5),
    parallelSlowdownPaced: target(round(parallelPaced.wallMs / parallelPaced.aloneMs), 1.5),
    ...classTargets(classroom),
  };
  report({
    project: { seed: BENCH_SEED, files: project.length, bytes: sum(project), binaryBytes: sum(binary), textBytes: sum(text) },
    rows,
    page: { ...pageSync, cliMs: cliFresh.ms, cliBytesPerSecond: cliRate },
    parallel: { boards: 4, ...parallel },
    parallelPaced: { boards: 4, baud: CLASSROOM_BAUD, ...parallelPaced },
    classroom,
    microbit: microbit && { ...microbit, errors: microbitErrors },
    startup,
    targets: { ...startupTargets, ...targets },
  });

  function report(figures: Record<string, unknown> & { targets: Record<string, { ok: boolean; value?: number; limit?: number }> }) {
    const result = { date: new Date().toISOString(), machine, ...figures, benchMs: Math.round(performance.now() - startedAt) };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/latest.json', JSON.stringify(result, null, 2) + '\n');
    log('');
    for (const [name, t] of Object.entries(figures.targets)) log(`${t.ok ? 'met ' : 'MISS'} ${name}${'value' in t ? `: ${t.value} (limit ${t.limit})` : ''}`);
    log(
      `machine: ${machine.nproc} cores, ${machine.cpu}, Node ${machine.node}; bench took ${(result.benchMs / 1000).toFixed(0)} s; written to bench-results/latest.json`,
    );
    if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  }
}

/**
 * One board alone (warm, with project variant `aloneMark`), then 4 boards started beforehand synced
 * at once with variant `parallelMark`, timed from the first connect to the last close.
 */
async function fourAtOnce(board: string, options: VirtualBoardOptions, aloneMark: string, parallelMark: string) {
  const alone = await withVirtualBoards(
    1,
    async ([b]) => row('reference: 1 board alone', board, await measureSync(b!.port, variant(project, aloneMark))),
    options,
  );
  const wallMs = await withVirtualBoards(
    4,
    async (boards) => {
      const started = performance.now();
      const same = variant(project, parallelMark);
      // One cache for the class, as `mpysync sync --port … --port …` has.
      const commandCache = new CommandCache();
      const results = await Promise.all(boards.map((b) => measureSync(b.port, same, {}, commandCache)));
      const wallMs = Math.round(performance.now() - started);
      results.forEach((m, i) => row(`4 at once: board ${i + 1}`, board, m));
      return wallMs;
    },
    options,
  );
  // What the host's bytes alone take on such a line (the board's replies come on top).
  const lineMs = options.baud ? Math.round((alone.wireBytesSent * 10 * 1000) / options.baud) : null;
  log(
    `${board}: 4 boards at once ${wallMs} ms wall; one board alone ${alone.ms} ms${lineMs ? ` (its ${alone.wireBytesSent} B at ${options.baud} baud: ${lineMs} ms)` : ''}; ${(wallMs / alone.ms).toFixed(2)}×`,
  );
  return { wallMs, aloneMs: alone.ms, ...(lineMs !== null ? { aloneLineMs: lineMs } : {}) };
}

/** Issue 13's target: 30 boards at 115200 baud within 1.5× one board's time, fresh and unchanged. */
function classTargets(c: ClassroomFigures) {
  return { classFresh: target(c.fresh.ratio, 1.5), classUnchanged: target(c.unchanged.ratio, 1.5) };
}

function target(value: number, limit: number) {
  return { ok: value <= limit, value, limit };
}

const sum = (files: LocalFile[]) => files.reduce((n, f) => n + f.bytes.length, 0);

const COLUMNS: Array<[string, number, (r: Row) => string]> = [
  ['board', 30, (r) => r.board],
  ['scenario', 24, (r) => r.scenario],
  ['files', 5, (r) => String(r.uploaded)],
  ['payload B', 9, (r) => String(r.payloadBytes)],
  ['wire B', 8, (r) => String(r.wireBytesSent)],
  ['wire/pay', 8, (r) => (r.wirePerPayload === null ? '-' : r.wirePerPayload.toFixed(3))],
  ['xfer/pay', 8, (r) => (r.transferWirePerPayload === null ? '-' : r.transferWirePerPayload.toFixed(3))],
  ['RTs', 4, (r) => String(r.roundTrips)],
  ['RT max', 6, (r) => (r.uploaded ? String(r.roundTripLimit) : '3')],
  ['credits', 7, (r) => String(r.creditWaits)],
  ['xfer RTs', 8, (r) => String(r.transferRoundTrips)],
  ['ms', 6, (r) => String(r.ms)],
  ['probe ms', 8, (r) => String(r.probeMs)],
  ['encoding', 0, (r) => r.encoding],
];

function header(): string {
  return COLUMNS.map(([name, width]) => name.padStart(width)).join(' ');
}

function formatRow(r: Row): string {
  return COLUMNS.map(([, width, value], i) => (i < 2 ? value(r).padEnd(width) : value(r).padStart(width))).join(' ') + (r.ok ? '' : `  FAILED: ${r.error}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`benchmark failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
