import { existsSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_INDEX } from '../../../protocol/packages/package-ref.ts';
import { cachedFetch } from '../../package-fetch.ts';
import { refusalText } from '../../../protocol/mpy/index.ts';
import type { Plan } from '../../../protocol/plan/plan.ts';
import type { RunReport } from '../../../protocol/session/run-main.ts';
import { CommandCache } from '../../../protocol/transfer/index.ts';
import { diskFirmwareModules } from '../../host-cache.ts';
import { hostCompiler } from '../../host-compiler.ts';
import { listPorts, type PortInfo } from '../../ports.ts';
import { Roster, rosterPath } from '../../roster.ts';
import { boardName, lastSyncWentThrough, withName } from '../board-names.ts';
import { readProject, type Project } from '../../project-files.ts';
import { syncOneBoard, type BoardReport, type SyncOptions } from '../../sync-runner.ts';
import { EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { colours as c, formatBytes, printJson, table } from '../output.ts';
import { confirmRemoval, FEW_FILES } from '../confirm.ts';
import { groupFindings, type Finding } from '../findings.ts';
import { progressFor, type ProgressView } from '../progress.ts';

const COMPILE_HEAP_WORTH_SAYING = 2048;

export const runPlan = (dir: string, opts: SyncCliOptions) => run(dir, opts, true);
export const runSync = (dir: string, opts: SyncCliOptions) => run(dir, opts, false);

async function run(dir: string, opts: SyncCliOptions, dryRun: boolean): Promise<void> {
  const project = await readProjectOrSay(dir);
  const roster = project && openRosterOrSay(project, opts);
  if (project && roster && opts.watchPorts) {
    if (opts.delete && !opts.yes) {
      // Boards come and go while it runs: nobody is there to answer for each one.
      process.stderr.write('mpysync: --watch-ports with --delete removes files from every board plugged in without asking: give --yes too\n');
      process.exitCode = EXIT_USAGE;
      return;
    }
    const { watchPorts } = await import('../watch-ports.ts');
    const { reports, abandoned } = await watchPorts(project, opts, roster);
    if (await writeReport(opts, reports, project)) {
      // JSON lines throughout: a line per board as it finished, then the summary on one line.
      if (opts.json) process.stdout.write(JSON.stringify(reportsJson(reports, false)) + '\n');
      else process.stdout.write(describeReports(reports, false, false));
      process.exitCode = exitCodeOf(reports);
    }
    // Stopped at once: the boards still syncing are not waited for (each write lands whole or not at all).
    if (abandoned) process.exit();
    return;
  }
  const listing = roster ? await resolvePorts(opts) : null;
  if (!project || !roster || !listing) {
    process.exitCode = EXIT_USAGE;
    return;
  }
  const { ports } = listing;
  if (!dryRun && opts.delete && !(await deletionsAgreed(project, ports, opts))) {
    process.stderr.write('mpysync: nothing was synced\n');
    process.exitCode = EXIT_SOME_FAILED;
    return;
  }
  const all = await syncRound(project, ports, opts, dryRun, new CommandCache(), !opts.json, { roster, ports: listing.known });
  const reports = all.filter((r) => !r.passedOver);
  const passedOver = all.filter((r) => r.passedOver);
  if (passedOver.length && !opts.json) {
    const rest = reports.length ? '' : '; none is left to sync';
    process.stderr.write(
      `mpysync: --retry-failed left ${passedOver.length} board(s) whose last sync went through: ${passedOver.map(boardName).join(', ')}${rest}\n`,
    );
  }
  if (!(await writeReport(opts, reports, project))) return;
  if (opts.json)
    printJson({ ...reportsJson(reports, dryRun), ...(opts.retryFailed ? { passedOver: passedOver.map(({ port, id, label }) => ({ port, id, label })) } : {}) });
  else if (reports.length || !passedOver.length) process.stdout.write(describeReports(reports, dryRun));
  process.exitCode = exitCodeOf(reports);
}

/** The class's roster, or null once what is wrong with it is said (exit code 2). */
export function openRosterOrSay(project: Project, opts: SyncCliOptions): Roster | null {
  const roster = new Roster(rosterPath(project.root, opts.roster));
  try {
    roster.read();
    return roster;
  } catch (error) {
    process.stderr.write(`mpysync: ${(error as Error).message}\n`);
    return null;
  }
}

/** `--report FILE.html`; false once a page that cannot be written is said (the boards are synced all the same). */
async function writeReport(opts: SyncCliOptions, reports: BoardReport[], project: Project): Promise<boolean> {
  if (!opts.report) return true;
  const { classReportHtml } = await import('../class-report.ts');
  try {
    writeFileSync(opts.report, classReportHtml(reports, new Date(), basename(project.root)));
    if (!opts.json) process.stderr.write(`mpysync: the class report is in ${opts.report}\n`);
    return true;
  } catch (error) {
    process.stderr.write(`mpysync: cannot write the report to ${opts.report}: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
    return false;
  }
}

export interface SyncCliOptions {
  port?: string[];
  all?: boolean;
  dest?: string;
  delete?: boolean;
  json?: boolean;
  run?: boolean;
  runSeconds?: number;
  compile?: boolean;
  yes?: boolean;
  /** Write the class's result as one static HTML page here. */
  report?: string;
  /** The class's roster (default: mpysync-roster.json at the project's top). */
  roster?: string;
  /** Keep running: sync every MicroPython-looking port as it appears, until SIGINT or SIGTERM. */
  watchPorts?: boolean;
  /** Leave the boards whose last sync in the roster went through. */
  retryFailed?: boolean;
}

/** The project, or null once its problem is said (a folder that is not there, not readable). */
export async function readProjectOrSay(dir: string): Promise<Project | null> {
  try {
    return await readProject(dir);
  } catch (error) {
    process.stderr.write(`mpysync: ${(error as Error).message}\n`);
    return null;
  }
}

/**
 * The ports to sync (each named once; with --all every MicroPython-looking one, and those named),
 * with the listing when it was read; or null once the reason is said.
 */
export async function resolvePorts(opts: SyncCliOptions): Promise<{ ports: string[]; known: PortInfo[] } | null> {
  if (!opts.all) return { ports: unique(opts.port?.length ? opts.port : ['auto']), known: [] };
  const known = await listPorts();
  const ports = [...new Set([...known.filter((p) => p.identity.likelyMicroPython).map((p) => p.path), ...(opts.port ?? [])])];
  if (ports.length) return { ports, known };
  process.stderr.write('mpysync: --all found no MicroPython-looking port (mpysync ports lists what is plugged in)\n');
  return null;
}

/** Every board synced (or planned) at once; progress bars on a terminal when `showProgress`. */
export async function syncRound(
  project: Project,
  ports: string[],
  opts: SyncCliOptions,
  dryRun: boolean,
  commandCache: CommandCache,
  showProgress: boolean,
  names: BoardNames = { roster: null, ports: [] },
): Promise<BoardReport[]> {
  const labelOf = (id: string | null) => names.roster?.label(id) ?? null;
  const progress: ProgressView | null = dryRun || !showProgress ? null : await progressFor(ports, labelOf);
  const reports = await Promise.all(
    ports.map((port, i) =>
      syncOneBoard(
        port,
        project,
        boardSyncOptions(project, opts, dryRun, commandCache, port, names, (m) => progress?.log(m) ?? say(m)),
        (event) => progress?.update(i, event),
      ).then((report) => named(report, opts, dryRun, names, port)),
    ),
  );
  progress?.stop();
  return reports;
}

const say = (message: string) => process.stderr.write(`mpysync: ${message}\n`);

/** What each board's sync is asked to do, from the command line. */
export function boardSyncOptions(
  project: Project,
  opts: SyncCliOptions,
  dryRun: boolean,
  commandCache: CommandCache,
  port: string,
  names: BoardNames,
  notice: (message: string) => void,
): SyncOptions {
  const dest = opts.dest === undefined ? '' : opts.dest === '/' ? '/' : opts.dest.replace(/\/+$/, '');
  // The project's mpysync.json packages: fetched once for every board (package-fetch.ts).
  const packages = project.packages?.length ? { specs: project.packages, index: project.index ?? DEFAULT_INDEX, fetch: cachedFetch().fetch } : undefined;
  return {
    dest,
    deleteExtraneous: opts.delete ?? false,
    dryRun,
    // Boards synced together get the same commands: compressed once for the class.
    commandCache,
    compiler: hostCompiler,
    firmwareModules: diskFirmwareModules(),
    run: opts.run ? { seconds: opts.runSeconds ?? 3 } : undefined,
    compile: opts.compile ?? false,
    packages,
    passOver: opts.retryFailed && names.roster ? lastSyncWentThrough(names.roster, names.ports, port) : undefined,
    notice,
  };
}

/** The roster and the port listing that name the boards of a command. */
export interface BoardNames {
  roster: Roster | null;
  ports: PortInfo[];
}

/**
 * The roster is written once there is one (mpysync label made it), or for a class: --all,
 * --watch-ports, --retry-failed, --roster, several ports. One board's sync leaves the folder as it was.
 */
function keepsRoster(roster: Roster, opts: SyncCliOptions): boolean {
  return existsSync(roster.path) || !!(opts.all || opts.watchPorts || opts.retryFailed || opts.roster !== undefined || (opts.port?.length ?? 0) > 1);
}

/** The board's id and label; a finished sync is the board's last in the roster (keepsRoster). */
export function named(report: BoardReport, opts: SyncCliOptions, dryRun: boolean, names: BoardNames, portSpec: string): BoardReport {
  const done = withName(report, names.roster, names.ports);
  // A private board (--port virtual) has a new id every time: nothing to remember it by.
  if (!dryRun && !done.passedOver && names.roster && keepsRoster(names.roster, opts) && portSpec !== 'virtual') {
    try {
      names.roster.recordSync(done, new Date());
    } catch (error) {
      say(`${(error as Error).message}; the boards are synced all the same`);
    }
  }
  return done;
}

export function reportsJson(reports: BoardReport[], dryRun: boolean) {
  return dryRun
    ? {
        boards: reports.map((r) => ({
          port: r.port,
          id: r.id,
          label: r.label,
          status: r.status,
          problems: r.problems,
          error: r.error,
          packages: r.packages,
          compiled: r.compiled,
          asSource: r.asSource,
          plan: r.plan,
        })),
        findings: groupFindings(reports),
      }
    : { boards: reports.map(jsonReport), findings: groupFindings(reports) };
}

/** Each board's plan (not when `perBoard` is false: a live grid showed them), what will not work, and a row per board. */
export function describeReports(reports: BoardReport[], dryRun: boolean, perBoard = true): string {
  // Several boards: each explanation once, with the boards it applies to, after the boards' plans.
  const grouped = reports.length > 1;
  let text = perBoard ? reports.map((r) => describeBoard(r, dryRun, grouped) + '\n').join('') : '';
  if (grouped) text += describeFindings(groupFindings(reports, boardName), reports.length);
  if (reports.length > 1 || !dryRun) text += '\n' + summaryTable(reports) + '\n';
  return text;
}

/** --delete that would remove more than a few files from a board asks first (the plan is made once more, to count them). */
export async function deletionsAgreed(project: Project, ports: string[], opts: SyncCliOptions): Promise<boolean> {
  if (opts.yes) return true;
  const plans = await syncRound(project, ports, opts, true, new CommandCache(), false);
  const many = plans.flatMap((r) => {
    const removed = (r.plan?.entries ?? []).filter((e) => e.action === 'delete' && e.reason.includes('--delete'));
    return removed.length > FEW_FILES
      ? [
          `${r.port}: ${removed.length} files (${removed
            .slice(0, 3)
            .map((e) => (e.action === 'delete' ? e.remote : ''))
            .join(', ')}, …)`,
        ]
      : [];
  });
  return many.length === 0 || confirmRemoval(`sync --delete would remove files the project does not have from ${many.join('; ')}`, opts);
}

/** 0 only when every board is ok: a refused file or a syntax error is a problem even when the bytes arrived. */
export function exitCodeOf(reports: BoardReport[]): number {
  return reports.some(lostBoard) ? EXIT_USAGE : reports.every((r) => r.status === 'ok') ? EXIT_OK : EXIT_SOME_FAILED;
}

/** The board could not be reached, or the link to it was lost on the way: exit code 2. */
function lostBoard(r: BoardReport): boolean {
  // A sync stopped by the user (a second Ctrl-C of --watch-ports) failed, but nothing was out of reach.
  return r.error !== null && r.errorCode !== 'interrupted' && (!r.plan || r.errorCode === 'transport-closed' || r.errorCode === 'raw-repl-timeout');
}

export function jsonReport(r: BoardReport) {
  const { board, plan, ...rest } = r;
  return { ...rest, probe: board, plan };
}

export function describeBoard(r: BoardReport, dryRun: boolean, grouped: boolean): string {
  const lines = [`${c.bold(boardName(r))}  ${r.firmware ?? ''}  ${r.abi ? `ABI ${r.abi}` : ''}`];
  for (const p of r.packages) {
    lines.push(`  ${c.cyan('package')} ${p.name} ${p.version}${p.neededBy ? c.dim(` (needed by ${p.neededBy})`) : ''}: ${p.files.join(', ') || 'no files'}`);
  }
  for (const m of r.compiled) lines.push(`  ${c.cyan('compile')} ${m.file} → ${m.mpy} (${m.sourceBytes} → ${m.mpyBytes} B)`);
  for (const m of r.asSource) lines.push(`  ${c.yellow('source')}  ${m.file}: ${m.reason}`);
  if (r.plan) lines.push(planTable(r.plan, grouped));
  for (const note of r.plan?.notes ?? []) lines.push(`  ${c.dim('note')}    ${note}`);
  if (grouped) {
    const said = r.substituted.length + r.problems.length;
    if (said) lines.push(`  ${c.yellow(`${said} finding${said === 1 ? '' : 's'}`)} explained below`);
  } else {
    for (const s of r.substituted) lines.push(`  ${c.cyan('substitute')} ${s.file} → ${s.instead}: ${s.summary}`);
    for (const p of r.problems) lines.push(`  ${c.yellow('problem')} ${p.message}`);
  }
  const heap = r.compileHeap.reduce((n, h) => n + h.bytes, 0);
  // Worth saying when the board spent real heap compiling what it was sent (a few KB is a lot on an ESP8266).
  if (heap >= COMPILE_HEAP_WORTH_SAYING) {
    const largest = r.compileHeap.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    lines.push(
      `  ${c.cyan('heap')}    compiling the .py files took ${formatBytes(heap)} of the board's heap (${largest.file}: ${formatBytes(largest.bytes)}); --compile sends them compiled`,
    );
  }
  if (r.run) lines.push(describeRun(r.run));
  const stillFailed = new Set(r.failed.map((f) => f.file));
  for (const f of r.retried) if (!stillFailed.has(f.file)) lines.push(`  ${c.cyan('retried')} ${f.file}, which then arrived whole: ${f.error}`);
  for (const f of r.failed) lines.push(`  ${c.red('failed')} ${f.file}: ${f.error}`);
  if (r.error) lines.push(`  ${c.red('error')} ${r.error}`);
  else if (!dryRun)
    lines.push(
      `  ${r.uploaded.length} uploaded, ${r.skipped.length} unchanged, ${r.refused.length} refused, ${r.deleted.length} deleted · ${formatBytes(r.payloadBytes)} of files, ${formatBytes(r.wireBytesSent)} on the wire, ${r.roundTrips} round trips, ${(r.ms / 1000).toFixed(1)} s`,
    );
  return lines.join('\n');
}

function describeRun(run: RunReport): string {
  const what = run.ended ? `ran main.py` : `main.py still running after ${run.seconds} s (left running)`;
  const printed = run.output.trim() ? `; it printed:\n${run.output.trimEnd().replace(/^/gm, '    | ')}` : '; it printed nothing';
  return `  ${c.cyan('run')}     ${what}${printed}`;
}

function describeFindings(findings: Finding[], boards: number): string {
  if (!findings.length) return '';
  const label = { refused: c.red('refused'), substitute: c.cyan('substitute'), problem: c.yellow('problem') };
  const lines = [c.bold('\nWhat will not work as it is, and on which boards:')];
  for (const f of findings) {
    const where = f.boards.length === boards ? `all ${boards} boards` : `${f.boards.length} of ${boards} boards: ${f.boards.join(', ')}`;
    lines.push(`  ${label[f.kind]} ${f.text}`, `    ${c.dim(`on ${where}`)}`);
  }
  return lines.join('\n') + '\n';
}

function planTable(plan: Plan, grouped: boolean): string {
  const colour = { upload: c.green, skip: c.dim, refuse: c.red, delete: c.yellow } as const;
  const rows = plan.entries.map((e) => {
    const what = e.action === 'delete' ? e.remote : e.file;
    const explained = grouped ? `${e.action === 'refuse' ? (e.firmwareError ?? 'refused') : ''} (explained below)` : '';
    const why = e.action === 'refuse' ? explained || `${e.firmwareError ? e.firmwareError + ': ' : ''}${refusalText(e)}` : e.reason;
    return ['  ' + colour[e.action](e.action.padEnd(7)), what, why];
  });
  for (const d of plan.rmdirs) rows.push(['  ' + c.yellow('delete '), `${d}/`, 'a folder --delete empties']);
  for (const b of plan.blockers) rows.push(['  ' + c.red('blocked'), '', b]);
  return rows.length ? table(rows) : '  nothing to do';
}

function summaryTable(reports: BoardReport[]): string {
  const rows = [['board', 'firmware', 'ABI', 'uploaded', 'unchanged', 'refused', 'time', 'result'].map((h) => c.bold(h))];
  for (const r of reports) {
    rows.push([
      boardName(r),
      r.firmware ?? '?',
      r.abi ?? '?',
      String(r.uploaded.length),
      String(r.skipped.length),
      String(r.refused.length),
      `${(r.ms / 1000).toFixed(1)} s`,
      resultText(r),
    ]);
  }
  return table(rows);
}

/** The board's status in a word, with what made it so. */
export function resultText(r: BoardReport): string {
  if (r.status === 'ok') return c.green('ok');
  if (r.status === 'failed') return c.red(r.error ?? `failed: ${r.failed.length} file(s) did not arrive`);
  const count = (kind: string) => r.problems.filter((p) => p.kind === kind).length;
  const parts = [
    r.refused.length ? `${r.refused.length} refused` : '',
    count('syntax') ? `${count('syntax')} will not compile` : '',
    count('import') ? `${count('import')} import${count('import') === 1 ? '' : 's'} will not resolve` : '',
    count('run') ? 'main.py raised an error' : '',
  ].filter(Boolean);
  return c.yellow(`problems: ${parts.join(', ')}`);
}

/** A port named twice is one board: it is synced once (a second connection would find it busy). Each `virtual` is a board of its own. */
function unique(ports: string[]): string[] {
  const seen = ports.filter((port, i) => port === 'virtual' || ports.indexOf(port) === i);
  if (seen.length < ports.length)
    process.stderr.write(`mpysync: a port was named more than once; each board is synced once (${[...new Set(seen)].join(', ')})\n`);
  return seen;
}
