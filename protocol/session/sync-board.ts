/**
 * The main job for one connected board, in pipeline order: probe and index (one program), plan,
 * carry the plan out, report. The CLI, the web page and the benchmark all call this; they keep
 * only how they show it.
 */
import { MpysyncError } from '../errors.ts';
import { readBoardModules, type BoardModules } from '../plan/board-modules.ts';
import {
  checkImports,
  firmwareKey,
  resolvedWithBuiltins,
  unresolvedInProject,
  type FirmwareModulesCache,
  type ImportCheckInput,
} from '../plan/import-check.ts';
import { compileModules, COMPILED_MPY_VERSION, type CompiledModule, type CompiledProject } from '../plan/compile-modules.ts';
import { keptEntries, planSync, remotePath, type LocalFile, type Plan, type RemoteIndex } from '../plan/plan.ts';
import type { BoardProbe } from '../probe/probe.ts';
import { compileFilesOnBoard, compileOnBoard } from '../plan/board-compile.ts';
import { checkSources, describeSyntaxError, type HostCompiler, type SourceProblem } from '../plan/source-check.ts';
import type { RawRepl } from '../repl/index.ts';
import { packageFilesFor, type PackageOptions } from '../packages/package-files.ts';
import type { ResolvedPackage } from '../packages/resolve.ts';
import { probeBoard } from '../probe/probe.ts';
import { executePlan, plannedOutcome, transferSettings, type CommandCache, type SyncEvent, type SyncOutcome } from '../transfer/index.ts';
import type { Transport } from '../transport.ts';
import { probeAndPlan } from './probe-and-plan.ts';
import { runAfterSync, type RunReport } from './run-main.ts';

/** A file of the project that could not be taken (unreadable, a link out of the folder…). */
export interface ProjectProblem {
  file: string;
  reason: string;
}

export interface SyncBoardOptions {
  /** Destination folder on the board; '' is its current folder. */
  dest: string;
  /** Once probed, true leaves the board as it is (`--retry-failed`: its last sync went through); the report says `passedOver`. */
  passOver?: (probe: BoardProbe) => boolean;
  deleteExtraneous?: boolean;
  /** Plan only: nothing is written. */
  dryRun?: boolean;
  /** Problems found while reading the project: each becomes a refused file of the plan. */
  problems?: readonly ProjectProblem[];
  /** A probe made earlier on this connection (saves a round trip). */
  probe?: BoardProbe;
  /** A plan made earlier on this connection, still true of the board: no index is fetched again. */
  plan?: Plan;
  /** What the source check found when `plan` was made: not checked again. */
  checked?: SourceProblem[];
  /** Shared by boards synced together, so one project's commands are built once. */
  commandCache?: CommandCache;
  /** MicroPython's compiler on the host: given, every `.py` is checked for this board before a byte is sent (it compiles, its imports resolve). */
  compiler?: HostCompiler;
  /** Send every module but boot.py and main.py as bytecode .mpy compiled by `compiler` (boards that load .mpy 6). */
  compile?: boolean;
  /** After the files arrive: restart the board as on power-up and report what boot.py and main.py print for this long. */
  run?: { seconds: number };
  /** Firmwares' built-in modules kept between syncs: the import check then asks the board only about names that are not among them. */
  firmwareModules?: FirmwareModulesCache;
  /** What the transfer should take the board to be (the benchmark pretends features away). */
  adjustProbe?: (probe: BoardProbe) => BoardProbe;
  /** Packages the project declares (`mpysync.json`): resolved for this board and sent with its files. */
  packages?: PackageOptions;
}

export type BoardEvent = SyncEvent | { type: 'probed'; probe: BoardProbe } | { type: 'planned'; plan: Plan };

/** `ok`: everything arrived and nothing found will fail; `problems`: it arrived, but something will not work; `failed`: the sync did not complete. */
export type BoardStatus = 'ok' | 'problems' | 'failed';

export interface SyncReport extends SyncOutcome {
  /** Everything planned arrived (or, for a dry run, the plan may be carried out); whether it will all work is `status`. */
  completed: boolean;
  status: BoardStatus;
  /** What was found that will not work on this board (syntax errors, native code without an emitter…). */
  problems: SourceProblem[];
  /** With `compile`: the modules sent as `.mpy`, and those sent as `.py` with the reason. */
  compiled: Array<CompiledModule & { remote: string }>;
  asSource: Array<{ file: string; reason: string }>;
  /** The heap the board's compiler took for each `.py` sent (measured after the sync): what sending it compiled spares the board. */
  compileHeap: Array<{ file: string; bytes: number }>;
  /** What main.py printed when the board ran it after the sync (`run` option), else null. */
  run: RunReport | null;
  /** Why the board could not be synced at all (connection, probe, not enough space). */
  error: string | null;
  errorCode: string | null;
  firmware: string | null;
  abi: string | null;
  board: BoardProbe | null;
  /**
   * Which board this is, whatever port it is on: its `machine.unique_id()` in hex where the firmware
   * has one (the CLI falls back to the USB serial number), else null.
   */
  id: string | null;
  /** The packages sent with the project's files (its `mpysync.json`), with their versions and files. */
  packages: ResolvedPackage[];
  plan: Plan | null;
  /** Probed and left as it is (SyncBoardOptions.passOver). */
  passedOver?: true;
  /** Bytes written to the link during this job, and of them, by the transfer alone. */
  wireBytesSent: number;
  transferWireBytes: number;
  roundTrips: number;
  transferRoundTrips: number;
  ms: number;
  probeMs: number;
}

export interface BoardSession {
  repl: RawRepl;
  transport: Pick<Transport, 'bytesWritten'>;
}

/** Never throws: a failure is in the report, with what the board holds now and what to do. */
export async function syncBoard(
  session: BoardSession,
  files: LocalFile[],
  options: SyncBoardOptions,
  onEvent: (event: BoardEvent) => void = () => {},
): Promise<SyncReport> {
  const { repl, transport } = session;
  const started = performance.now();
  const wireBefore = transport.bytesWritten;
  const tripsBefore = repl.stats.roundTrips;
  const report = emptyReport();

  let transferStart: { wire: number; trips: number } | null = null;
  try {
    let probe = options.probe;
    let plan = options.plan;
    // What the board has (sys.path, built-ins), once asked: the packages' target and the import check share it.
    let boardModules: BoardModules | undefined;
    // Compiled before the index is fetched, so that it fingerprints the .mpy too (an unchanged one is skipped).
    const compiledProject = options.compile && options.compiler ? await compileModules(files, options.compiler) : null;
    // A plan made earlier with the compiled modules (the page's) needs their bytes now.
    if (plan && compiledProject && probe?.mpy?.version === COMPILED_MPY_VERSION) files = compiledProject.files;
    if (options.packages && !plan) {
      // The packages' files depend on the board (its .mpy major, its sys.path): probe first.
      probe ??= await probeBoard(repl);
      const found = await packageFilesFor(repl, probe, options.packages);
      report.packages = found.packages;
      boardModules = found.modules;
      files = [...files, ...placeUnderDest(options.dest, found.target, found.files, files)];
    }
    if (!probe || !plan) {
      const planned = await probeAndPlan(repl, compiledProject?.files ?? files, { dest: options.dest, deleteExtraneous: options.deleteExtraneous, probe });
      ({ probe, plan } = planned);
      if (compiledProject) {
        ({ plan, files } = useCompiled(compiledProject, files, planned, options, report));
      }
      report.probeMs = planned.probeMs;
      for (const p of options.problems ?? [])
        plan.entries.push({ action: 'refuse', file: p.file, firmwareError: null, summary: `${p.file}: ${p.reason}`, fix: null });
    }
    Object.assign(report, boardIdentity(probe));
    onEvent({ type: 'probed', probe });
    if (options.passOver?.(probe)) {
      report.completed = true;
      report.passedOver = true;
      return report;
    }
    if (options.plan && options.checked) {
      report.problems = options.checked;
    } else if (options.compiler) {
      const kept = new Set(keptEntries(plan.entries).map((e) => e.file));
      // A source goes to the board's compiler when it and its copy fit a program of definitions there.
      const confirm = (sources: Array<{ file: string; source: string }>) => compileOnBoard(repl, sources, transferSettings(probe).programBytes / 2);
      report.problems = await checkSources(
        files.filter((f) => kept.has(f.relative)),
        probe,
        options.compiler,
        confirm,
      );
      report.problems.push(...(await importProblems(repl, files, plan, probe, options.firmwareModules, boardModules)));
    }
    report.plan = plan;
    onEvent({ type: 'planned', plan });
    if (options.dryRun) {
      Object.assign(report, outcomeFromPlan(plan));
      report.completed = plan.blockers.length === 0;
      if (plan.blockers.length) report.error = plan.blockers.join('; ');
      return report;
    }
    // Refused here, before the transfer, so the message is not taken for one cut short.
    if (plan.blockers.length) throw new MpysyncError('plan-blocked', plan.blockers.join('; '));
    const contents = new Map(files.map((f) => [f.relative, f.bytes]));
    transferStart = { wire: transport.bytesWritten, trips: repl.stats.roundTrips };
    try {
      const target = options.adjustProbe ? options.adjustProbe(probe) : probe;
      Object.assign(report, await executePlan(repl, plan, contents, target, onEvent, { commandCache: options.commandCache }));
    } catch (error) {
      throw withRetryAdvice(error, probe.fs.rename);
    }
    report.completed = report.failed.length === 0;
    if (options.compiler && report.completed && probe.features.compile)
      report.problems.push(...(await compiledOnBoard(repl, plan, report, probe, options.compiler.release)));
    if (options.run && report.completed) await runProgram(repl, options.run.seconds, report);
  } catch (error) {
    const outcome = (error as { outcome?: SyncOutcome }).outcome;
    if (outcome) Object.assign(report, outcome);
    report.error = (error as Error).message;
    report.errorCode = error instanceof MpysyncError ? error.code : 'internal';
    report.completed = false;
  } finally {
    report.wireBytesSent = transport.bytesWritten - wireBefore;
    report.roundTrips = repl.stats.roundTrips - tripsBefore;
    if (transferStart) {
      report.transferWireBytes = transport.bytesWritten - transferStart.wire;
      report.transferRoundTrips = repl.stats.roundTrips - transferStart.trips;
    }
    report.ms = Math.round(performance.now() - started);
    report.status = statusOf(report);
  }
  return report;
}

export function statusOf(report: Pick<SyncReport, 'completed' | 'error' | 'failed' | 'refused' | 'problems'>): BoardStatus {
  if (!report.completed || report.error || report.failed.length) return 'failed';
  return report.refused.length || report.problems.length ? 'problems' : 'ok';
}

/** A report of nothing done yet: a board not reached is reported as this, with its error. */
/**
 * The packages' files as paths under the sync's destination: they go to `target` (mip's `/lib`),
 * which must be inside it. A project's own file of the same path wins.
 */
function placeUnderDest(dest: string, target: string, packageFiles: LocalFile[], projectFiles: LocalFile[]): LocalFile[] {
  const base = dest.replace(/\/+$/, '');
  const inside =
    base === '' || base === '/' ? target.replace(/^\//, '') : target === base ? '' : target.startsWith(base + '/') ? target.slice(base.length + 1) : null;
  if (inside === null) {
    throw new MpysyncError(
      'packages-outside-dest',
      `the project's packages go to ${target}, outside --dest ${dest}: install them with mpysync install, or sync to /`,
    );
  }
  const own = new Set(projectFiles.map((f) => f.relative));
  return packageFiles.map((f) => ({ ...f, relative: inside ? `${inside}/${f.relative}` : f.relative })).filter((f) => !own.has(f.relative));
}

/** How a report names the board it is of. */
export function boardIdentity(probe: BoardProbe): Pick<SyncReport, 'board' | 'firmware' | 'abi' | 'id'> {
  return {
    board: probe,
    firmware: `${probe.implementation.name} ${probe.implementation.version}`,
    abi: probe.mpy ? probe.mpy.label : 'no .mpy',
    id: probe.uniqueId,
  };
}

export function emptyReport(): SyncReport {
  return {
    completed: false,
    status: 'failed',
    run: null,
    compiled: [],
    asSource: [],
    compileHeap: [],
    problems: [],
    error: null,
    errorCode: null,
    firmware: null,
    abi: null,
    board: null,
    id: null,
    packages: [],
    plan: null,
    ...emptyOutcome(),
    wireBytesSent: 0,
    transferWireBytes: 0,
    roundTrips: 0,
    transferRoundTrips: 0,
    ms: 0,
    probeMs: 0,
  };
}

const emptyOutcome = (): SyncOutcome => ({ uploaded: [], skipped: [], substituted: [], refused: [], deleted: [], failed: [], retried: [], payloadBytes: 0 });

/** A dry run's report: what the sync would upload and delete, besides what the plan settles. */
function outcomeFromPlan(plan: Plan): SyncOutcome {
  return {
    ...plannedOutcome(plan),
    uploaded: plan.entries.flatMap((e) => (e.action === 'upload' ? [e.file] : [])),
    deleted: plan.entries.flatMap((e) => (e.action === 'delete' ? [e.remote] : [])),
  };
}

/**
 * A sync cut short (board gone, reset, silent): say what state the board is in and what to do.
 * Each file is replaced only after its copy was verified, so a rerun finishes the job. Without
 * os.rename (the micro:bit) the verified copy is copied over the old file, which is not atomic.
 */
function withRetryAdvice(error: unknown, atomicRename: boolean): unknown {
  if (!(error instanceof MpysyncError)) return error;
  const state = atomicRename
    ? 'every file on the board is either its old or its new version, never half of one'
    : 'this board has no os.rename, so the file being replaced at that moment may be incomplete';
  error.message =
    error.message.replace(/\.?\s*$/, '.') +
    ` The sync stopped there: ${state}. ` +
    (error.code === 'transport-closed' ? 'Reconnect the board and run the sync again' : 'Run the sync again') +
    ' to send the rest.';
  return error;
}

/** The imports that will fail on this board; the board is asked what it has only when the project alone does not answer. */
async function importProblems(
  repl: RawRepl,
  files: LocalFile[],
  plan: Plan,
  probe: BoardProbe,
  cache?: FirmwareModulesCache,
  asked?: BoardModules,
): Promise<SourceProblem[]> {
  const bytes = new Map(files.map((f) => [f.relative, f.bytes]));
  const kept = keptEntries(plan.entries);
  const input: ImportCheckInput = {
    sources: kept.filter((k) => k.file.endsWith('.py') && bytes.has(k.file)).map((k) => ({ ...k, relative: k.file, bytes: bytes.get(k.file)! })),
    kept,
    refused: plan.entries.flatMap((e) => (e.action === 'refuse' && e.file.endsWith('.mpy') ? [{ file: e.file, remote: remotePath(plan.dest, e.file) }] : [])),
    board: probe,
  };
  if (!unresolvedInProject(input)) return [];
  const key = firmwareKey(probe);
  const known = await cache?.get(key);
  if (known && resolvedWithBuiltins(input, known)) return [];
  const modules = asked ?? (await readBoardModules(repl));
  if (modules.builtins) await cache?.set(key, [...modules.builtins]);
  return checkImports(input, modules);
}

/** The program run after the sync; a board that cannot be made to run it is a problem, not a failed sync (the files arrived). */
async function runProgram(repl: RawRepl, seconds: number, report: SyncReport): Promise<void> {
  try {
    const { run, problems } = await runAfterSync(repl, seconds);
    report.run = run;
    // A SyntaxError already found in that file and line is the same problem, raised again at import: said once.
    const known = (p: SourceProblem) =>
      report.problems.some((q) => q.file === p.file && q.line === p.line && /SyntaxError/.test(q.message) && /SyntaxError/.test(p.message));
    report.problems.push(...problems.filter((p) => !known(p)));
  } catch (error) {
    report.problems.push({ file: 'main.py', line: null, kind: 'run', message: `main.py could not be run after the sync: ${(error as Error).message}` });
  }
}

/**
 * The plan with the compiled modules where the board loads `.mpy` 6 (each `.py` superseded by its
 * `.mpy`, as for a project that ships both), else the plan of the project as it is.
 */
function useCompiled(
  compiled: CompiledProject,
  original: LocalFile[],
  planned: { probe: BoardProbe; plan: Plan; index: RemoteIndex },
  options: SyncBoardOptions,
  report: SyncReport,
): { plan: Plan; files: LocalFile[] } {
  const { probe, index } = planned;
  if (probe.mpy?.version !== COMPILED_MPY_VERSION) {
    const why = probe.mpy ? `it loads .mpy ${probe.mpy.version}, and the compiler here makes .mpy ${COMPILED_MPY_VERSION}` : 'it loads no .mpy at all';
    report.asSource = compiled.compiled.map((c) => ({ file: c.file, reason: `sent as .py: this board cannot use the compiled module (${why})` }));
    return { plan: planSync({ local: original, board: probe, index, dest: options.dest, deleteExtraneous: options.deleteExtraneous }), files: original };
  }
  const kept = new Set(keptEntries(planned.plan.entries).map((e) => e.file));
  report.compiled = compiled.compiled.filter((c) => kept.has(c.mpy)).map((c) => ({ ...c, remote: remotePath(options.dest, c.mpy) }));
  report.asSource = compiled.asSource;
  const from = new Map(report.compiled.map((c) => [c.mpy, c.file]));
  const to = new Map(report.compiled.map((c) => [c.file, c.mpy]));
  for (const e of planned.plan.entries) {
    if ((e.action === 'upload' || e.action === 'skip') && from.has(e.file)) e.reason = `${e.reason}, compiled from ${from.get(e.file)}`;
    else if (e.action === 'skip' && to.has(e.file)) e.reason = `compiled: ${to.get(e.file)} is sent instead`;
  }
  return { plan: planned.plan, files: compiled.files };
}

/** Each .py just sent, compiled by the board's own compiler where it now lies (those already found wanting aside). */
async function compiledOnBoard(repl: RawRepl, plan: Plan, report: SyncReport, probe: BoardProbe, release: string): Promise<SourceProblem[]> {
  const judged = new Set(report.problems.filter((p) => p.kind === 'syntax').map((p) => p.file));
  const sent = plan.entries.flatMap((e) => (e.action === 'upload' && e.file.endsWith('.py') && !judged.has(e.file) ? [e] : []));
  const verdicts = await compileFilesOnBoard(
    repl,
    sent.map((e) => e.remote),
  );
  report.compileHeap = sent.flatMap((e, i) => (verdicts[i]?.heapBytes != null ? [{ file: e.file, bytes: verdicts[i]!.heapBytes! }] : []));
  return sent.flatMap((e, i): SourceProblem[] => {
    const verdict = verdicts[i]?.verdict;
    if (verdict?.kind === 'error') {
      const message = describeSyntaxError(e.file, { ...verdict, by: 'board-after-sync' }, probe, release);
      return [{ file: e.file, line: verdict.line, kind: 'syntax', message }];
    }
    if (verdict?.kind === 'memory') {
      const free = probe.memFree ? ` with ${probe.memFree} bytes free` : '';
      return [
        {
          file: e.file,
          line: null,
          kind: 'syntax',
          message: `${e.file}: the board ran out of memory compiling it${free} (${verdict.message}), so it cannot be imported. Fix: send it compiled (--compile), or split it into smaller modules.`,
        },
      ];
    }
    return [];
  });
}
