/**
 * `sync DIR --watch-ports`: keeps running, and syncs every MicroPython-looking port once as it
 * appears (and each `--port` path when it exists), many at a time, until SIGINT or SIGTERM. A board
 * unplugged mid-sync fails on its own without touching the others; plugged back, it is a new
 * appearance and is synced again. The listing is polled: serialport has no hot-plug events, and
 * a poll also sees virtual boards come and go (virtual/registry.ts).
 */
import { existsSync } from 'node:fs';
import { CommandCache } from '../../protocol/transfer/index.ts';
import { listPorts, type PortInfo } from '../ports.ts';
import type { Project } from '../project-files.ts';
import type { Roster } from '../roster.ts';
import { emptyReport } from '../../protocol/session/sync-board.ts';
import { syncOneBoard, type BoardReport } from '../sync-runner.ts';
import { boardSyncOptions, jsonReport, named, resultText, type SyncCliOptions } from './actions/sync.ts';
import { BoardGrid } from './board-grid.ts';

const POLL_MS = 500;
const OPEN_RETRY_MS = 700;
/** How long after a port appears a refusal to open it may still be the port settling. */
const SETTLE_MS = 5_000;

/** A port just plugged in that refused to open (permissions not set yet, or probed by ModemManager) is worth another try. */
export function openMayYetSucceed(errorCode: string | null, msSinceAppeared: number): boolean {
  return msSinceAppeared < SETTLE_MS && (errorCode === 'port-permission' || errorCode === 'port-busy' || errorCode === 'port-not-found');
}

/** The boards synced, in the order they finished; `abandoned`: a second Ctrl-C left some syncing (the caller exits now). */
export async function watchPorts(project: Project, opts: SyncCliOptions, roster: Roster): Promise<{ reports: BoardReport[]; abandoned: boolean }> {
  const watchedPaths = (opts.port ?? []).filter((p) => p !== 'auto' && p !== 'virtual');
  const grid = new BoardGrid(process.stderr, process.stderr.isTTY === true && !opts.json, (id) => roster.label(id));
  const commandCache = new CommandCache();
  const results: BoardReport[] = [];
  const syncing = new Map<string, { port: string; done: Promise<void> }>();
  // Ports seen and synced (or syncing): a port is synced again only after it has gone away.
  const present = new Set<string>();
  let known: PortInfo[] = [];
  let appearances = 0;

  const stop = stopSignals();
  grid.log(`watching for boards${watchedPaths.length ? ` (and ${watchedPaths.join(', ')})` : ''}; plug them in. Ctrl-C stops and prints the summary.`);

  const start = (port: string) => {
    const key = `${port}#${++appearances}`;
    present.add(port);
    grid.add(key, port);
    const names = { roster, ports: known };
    const appeared = Date.now();
    const once = () =>
      syncOneBoard(
        port,
        project,
        boardSyncOptions(project, opts, false, commandCache, port, names, (m) => grid.log(m)),
        (event) => grid.event(key, event),
      );
    const done = (async () => {
      let raw = await once();
      // Just plugged in, the port may not be ready for a few seconds: udev still setting its
      // permissions, ModemManager probing it. Tried again until it is, or that time is over.
      while (openMayYetSucceed(raw.errorCode, Date.now() - appeared) && !stop.requested) {
        grid.log(`${port}: ${raw.error}; trying again`);
        await new Promise((resolve) => setTimeout(resolve, OPEN_RETRY_MS));
        raw = await once();
      }
      return raw;
    })().then((raw) => {
      const report = named(raw, opts, false, names, port);
      syncing.delete(key);
      if (report.passedOver) {
        grid.finish(key, report, 'left as it is: its last sync went through (--retry-failed)');
        return;
      }
      results.push(report);
      grid.finish(key, report, resultText(report));
      if (opts.json) process.stdout.write(JSON.stringify(jsonReport(report)) + '\n');
    });
    syncing.set(key, { port, done });
  };

  while (!stop.requested) {
    known = await listPorts().catch(() => known);
    const now = new Set([...known.filter((p) => p.identity.likelyMicroPython).map((p) => p.path), ...watchedPaths.filter((p) => existsSync(p))]);
    for (const port of present) if (!now.has(port) && ![...syncing.values()].some((s) => s.port === port)) present.delete(port);
    for (const port of now) if (!present.has(port)) start(port);
    await Promise.race([new Promise((resolve) => setTimeout(resolve, POLL_MS)), stop.first]);
  }

  if (syncing.size) {
    grid.log(`waiting for ${syncing.size} board(s) still syncing; Ctrl-C again stops at once`);
    await Promise.race([Promise.all([...syncing.values()].map((s) => s.done)), stop.second]);
    for (const { port } of syncing.values()) {
      const report = { ...emptyReport(), port, label: null, error: 'stopped by Ctrl-C before its sync finished', errorCode: 'interrupted' };
      results.push(report);
    }
  }
  const abandoned = syncing.size > 0;
  grid.stop();
  stop.dispose();
  return { reports: [...results], abandoned };
}

/** SIGINT or SIGTERM asks to stop (`first`); a second one asks to stop now (`second`). */
function stopSignals() {
  let count = 0;
  let first: () => void = () => {};
  let second: () => void = () => {};
  const state = {
    requested: false,
    first: new Promise<void>((resolve) => (first = resolve)),
    second: new Promise<void>((resolve) => (second = resolve)),
    dispose: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
  const on = () => {
    count++;
    state.requested = true;
    if (count === 1) first();
    else second();
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return state;
}
