/** `mpysync install PACKAGE... [--port P]...`: packages from an index or GitHub, installed as a sync installs files. */
import { installPackages, type InstallReport, type PackageOptions } from '../../../protocol/packages/install.ts';
import { openBoard } from '../../connect.ts';
import { cachedFetch } from '../../package-fetch.ts';
import type { BoardReport } from '../../sync-runner.ts';
import { emptyReport } from '../../../protocol/session/sync-board.ts';
import { EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { colours as c, printJson } from '../output.ts';
import { describeBoard, jsonReport, resolvePorts } from './sync.ts';

export interface InstallCliOptions {
  port?: string[];
  all?: boolean;
  target?: string;
  index: string;
  json?: boolean;
}

type BoardInstall = InstallReport & BoardReport;

export async function runInstall(specs: string[], opts: InstallCliOptions): Promise<void> {
  const ports = await resolvePorts(opts);
  if (!ports) {
    process.exitCode = EXIT_USAGE;
    return;
  }
  // One cache for the whole class: each file is downloaded once, whatever the number of boards.
  const { fetch } = cachedFetch();
  const target = opts.target === undefined ? undefined : opts.target === '/' ? '/' : opts.target.replace(/\/+$/, '');
  const reports = await Promise.all(ports.map((port) => installOn(port, specs, { index: opts.index, fetch, target })));
  if (opts.json) printJson({ boards: reports.map((r) => ({ ...jsonReport(r), target: r.target, packages: r.packages })) });
  else for (const r of reports) process.stdout.write(describeInstall(r) + '\n');
  process.exitCode = reports.every((r) => r.status === 'ok')
    ? EXIT_OK
    : reports.some((r) => r.error !== null && !r.errorCode?.startsWith('package') && !r.plan)
      ? EXIT_USAGE
      : EXIT_SOME_FAILED;
}

async function installOn(port: string, specs: string[], options: Omit<PackageOptions, 'specs'>): Promise<BoardInstall> {
  const started = performance.now();
  let board;
  try {
    board = await openBoard(port, { notice: (m) => process.stderr.write(`mpysync: ${m}\n`) });
  } catch (error) {
    return {
      ...emptyReport(),
      error: (error as Error).message,
      errorCode: 'unreachable',
      port,
      target: options.target ?? '',
      packages: [],
      ms: Math.round(performance.now() - started),
    };
  }
  try {
    const report = await installPackages(board, { ...options, specs });
    return {
      ...report,
      port: board.label,
      wireBytesSent: board.transport.bytesWritten,
      roundTrips: board.repl.stats.roundTrips,
      ms: Math.round(performance.now() - started),
    };
  } finally {
    await board.close().catch(() => {});
  }
}

function describeInstall(r: BoardInstall): string {
  const [first, ...rest] = describeBoard(r, false, false).split('\n');
  return [first + (r.packages.length ? c.dim(`  into ${r.target || 'its top folder'}`) : ''), ...rest].join('\n');
}
