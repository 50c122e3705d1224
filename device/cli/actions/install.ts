/** `mpysync install PACKAGE... [--port P]...`: packages from an index or GitHub, installed as a sync installs files. */
import { installPackages, type InstallReport, type PackageOptions } from '../../../protocol/packages/install.ts';
import { parsePackageRef } from '../../../protocol/packages/package-ref.ts';
import { cachedFetch } from '../../package-fetch.ts';
import { onOneBoard, type BoardReport } from '../../sync-runner.ts';
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
  // A name that cannot be a package is a mistake on the command line: said before any board is opened.
  try {
    for (const spec of specs) parsePackageRef(spec);
  } catch (error) {
    process.stderr.write(`mpysync: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  const ports = (await resolvePorts(opts))?.ports;
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

function installOn(port: string, specs: string[], options: Omit<PackageOptions, 'specs'>): Promise<BoardInstall> {
  return onOneBoard(
    port,
    (m) => process.stderr.write(`mpysync: ${m}\n`),
    (board) => installPackages(board, { ...options, specs }),
    () => ({ ...emptyReport(), target: options.target ?? '' }),
  );
}

function describeInstall(r: BoardInstall): string {
  const [first, ...rest] = describeBoard(r, false, false).split('\n');
  return [first + (r.packages.length ? c.dim(`  into ${r.target || 'its top folder'}`) : ''), ...rest].join('\n');
}
