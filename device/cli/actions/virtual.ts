import { startPtyBoard } from '../../virtual/pty-board.ts';
import { announceVirtualBoard } from '../../virtual/registry.ts';
import { STUCK_MS } from '../../virtual/thread-board.ts';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';

export interface VirtualOptions {
  json?: boolean;
  persist?: string;
  rawPaste: boolean;
  baud?: number;
  heap?: number;
  fragment?: number;
  exitWithParent?: boolean;
  /** false (`--unlisted`): a private board, not listed by `mpysync ports` nor found by `--all`. */
  listed: boolean;
}

export async function runVirtual(opts: VirtualOptions): Promise<void> {
  if (opts.fragment !== undefined && opts.heap === undefined) {
    process.stderr.write('mpysync: --fragment needs --heap: the WebAssembly heap grows on demand, so it never stays in pieces\n');
    process.exit(EXIT_USAGE);
  }
  // Watch the parent from the start: once the port is printed, the parent may go at any moment.
  const signalled = new Promise<string>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve(signal));
    if (opts.exitWithParent) whenParentEnds(() => resolve('parent ended'));
  });
  const board = await startPtyBoard({
    persist: opts.persist,
    rawPaste: opts.rawPaste,
    baud: opts.baud,
    heapBytes: opts.heap,
    fragmentBytes: opts.fragment,
    onHardReset: () =>
      process.stderr.write(`mpysync: a program on the virtual board did not stop at Ctrl-C within ${STUCK_MS / 1000} s: the board was reset, its files kept\n`),
  });
  const withdraw = opts.listed ? announceVirtualBoard({ port: board.port, pid: process.pid, id: board.id, baud: opts.baud, heapBytes: opts.heap }) : () => {};
  process.stdout.write((opts.json ? JSON.stringify({ port: board.port, pid: process.pid, id: board.id }) : board.port) + '\n');
  if (!opts.json) {
    const link =
      (opts.baud === undefined ? '' : `, paced like a ${opts.baud}-baud serial line`) +
      (opts.heap === undefined
        ? ''
        : `, a ${Math.round(opts.heap / 1024)} KB heap${opts.fragment ? ` in pieces of ${Math.round(opts.fragment / 1024)} KB` : ''}`);
    process.stderr.write(`virtual board ${board.id} (MicroPython 1.27, WebAssembly${link}) on ${board.port}; stop it with Ctrl-C or kill ${process.pid}\n`);
  }

  const outcome = await Promise.race([signalled.then((signal) => ({ signal })), board.ended.then((reason) => ({ reason }))]);
  withdraw();
  await board.stop();
  if ('reason' in outcome) process.stderr.write(`mpysync: the virtual board stopped: ${outcome.reason}\n`);
  // A server that is done exits now, whatever handles the WebAssembly runtime still holds.
  process.exit('reason' in outcome ? EXIT_USAGE : EXIT_OK);
}

/** A private board (spawn.ts) must not outlive a parent that was killed without stopping it. */
function whenParentEnds(callback: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      callback();
    }
  }, 200);
  timer.unref();
}
