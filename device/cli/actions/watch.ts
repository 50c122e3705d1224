/**
 * `mpysync watch DIR`: the development loop. Sync (and with --run, run main.py), then again after
 * every saved change in DIR: only what changed travels. Changes are gathered for a moment (an
 * editor writes a file in several steps; a save of many files is one round), a change during a
 * round makes one more round after it, and Ctrl-C ends the loop and leaves the boards running.
 */
import { watch, type FSWatcher } from 'node:fs';
import { relative, resolve } from 'node:path';
import { CommandCache } from '../../../protocol/transfer/index.ts';
import type { Project } from '../../project-files.ts';
import { startVirtualBoard, type VirtualBoardProcess } from '../../virtual/spawn.ts';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';
import { colours as c } from '../output.ts';
import { deletionsAgreed, describeReports, openRosterOrSay, readProjectOrSay, reportsJson, resolvePorts, syncRound, type SyncCliOptions } from './sync.ts';

/** How long changes are gathered before a round starts. */
const SETTLE_MS = 250;
/** Never worth a round: what editors and tools write beside the sources. */
const NOISE = /(^|\/)(\.git|__pycache__|node_modules|\.mpysync)(\/|$)|~$|\.sw[a-p]$|\.tmp$|^mpysync-roster\.json(\.partial)?$/;

export async function runWatch(dir: string, opts: SyncCliOptions): Promise<void> {
  const root = resolve(dir);
  const first = await readProjectOrSay(dir);
  if (!first) {
    process.exitCode = EXIT_USAGE;
    return;
  }
  const roster = openRosterOrSay(first, opts);
  const named = roster && (await resolvePorts(opts))?.ports;
  if (!named) {
    process.exitCode = EXIT_USAGE;
    return;
  }
  // `virtual` is one private board for the whole session, not a new one every round.
  const privateBoards: VirtualBoardProcess[] = [];
  const ports: string[] = [];
  for (const port of named) {
    if (port !== 'virtual') ports.push(port);
    else {
      const board = await startVirtualBoard();
      privateBoards.push(board);
      ports.push(board.port);
    }
  }
  const commandCache = new CommandCache();
  let round = 0;
  let running = false;
  let changed = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const sayRound = (text: string) => (opts.json ? undefined : process.stdout.write(text));
  const syncNow = async (already?: Project): Promise<void> => {
    if (running) return;
    running = true;
    const because = [...changed].sort();
    changed = new Set();
    round++;
    const project = already ?? (await readProjectOrSay(root));
    if (project) {
      const started = new Date().toTimeString().slice(0, 8);
      sayRound(c.bold(`\n[${started}] round ${round}${because.length ? `: ${because.join(', ')} changed` : ': first sync'}\n`));
      // As sync: a round whose --delete would remove more than a few files asks first (or, where
      // nobody can answer, deletes nothing that round and says so).
      let roundOpts = opts;
      if (opts.delete) {
        const agreed = await deletionsAgreed(project, ports, opts).catch((error: Error) => {
          process.stderr.write(`mpysync: ${error.message}\n`);
          return false;
        });
        if (!agreed) {
          process.stderr.write('mpysync: this round deletes nothing; give --yes to let watch --delete remove them\n');
          roundOpts = { ...opts, delete: false };
        }
      }
      const reports = await syncRound(project, ports, roundOpts, false, commandCache, false, { roster, ports: [] });
      if (opts.json) process.stdout.write(JSON.stringify({ round, changed: because, ...reportsJson(reports, false) }) + '\n');
      else sayRound(describeReports(reports, false) + c.dim('watching for changes; Ctrl-C stops (the boards keep running)\n'));
    }
    running = false;
    if (changed.size) schedule();
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void syncNow(), SETTLE_MS);
  };

  await syncNow(first);
  let watcher: FSWatcher;
  try {
    watcher = watch(root, { recursive: true }, (_event, name) => {
      const path = name ? relative(root, resolve(root, name.toString())).split('\\').join('/') : '';
      if (path && NOISE.test(path)) return;
      changed.add(path || '(something)');
      if (!running) schedule();
    });
  } catch (error) {
    process.stderr.write(`mpysync: cannot watch ${root}: ${(error as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }

  await new Promise<void>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => done());
  });
  watcher.close();
  clearTimeout(timer);
  while (running) await new Promise((r) => setTimeout(r, 50));
  await Promise.all(privateBoards.map((b) => b.stop()));
  process.exitCode = EXIT_OK;
}
