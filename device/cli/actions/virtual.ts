import { startPtyBoard } from '../../virtual/pty-board.ts';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';

export async function runVirtual(opts: { json?: boolean; persist?: string; rawPaste: boolean; baud?: number; exitWithParent?: boolean }): Promise<void> {
  // Watch the parent from the start: once the port is printed, the parent may go at any moment.
  const signalled = new Promise<string>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve(signal));
    if (opts.exitWithParent) whenParentEnds(() => resolve('parent ended'));
  });
  const board = await startPtyBoard({ persist: opts.persist, rawPaste: opts.rawPaste, baud: opts.baud });
  process.stdout.write((opts.json ? JSON.stringify({ port: board.port, pid: process.pid }) : board.port) + '\n');
  if (!opts.json) {
    const link = opts.baud === undefined ? '' : `, paced like a ${opts.baud}-baud serial line`;
    process.stderr.write(`virtual board (MicroPython 1.27, WebAssembly${link}) on ${board.port}; stop it with Ctrl-C or kill ${process.pid}\n`);
  }

  const outcome = await Promise.race([signalled.then((signal) => ({ signal })), board.ended.then((reason) => ({ reason }))]);
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
