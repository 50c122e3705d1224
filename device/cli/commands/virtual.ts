import { InvalidArgumentError, Option, type Command } from 'commander';
import { startPtyBoard } from '../../virtual/pty-board';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes';

export function register(program: Command): void {
  program
    .command('virtual')
    .description('serve a virtual MicroPython 1.27 board (WebAssembly) on a pseudo-terminal until killed')
    .option('--json', 'print {"port": ..., "pid": ...} as the first line')
    .option('--persist <dir>', "keep the board's filesystem in this folder (loaded at start, saved after every command)")
    .option('--no-raw-paste', 'decline raw-paste, like firmware older than 1.14')
    .option(
      '--baud <rate>',
      'behave like a board behind a USB-serial bridge (CP2102, CH340) at this baud rate: bytes cross each way ' +
        'no faster than rate/10 per second (8N1), e.g. 115200 for a classroom ESP32 DevKit; default: no limit (memory speed)',
      parseBaud,
    )
    .addOption(new Option('--exit-with-parent', 'stop when the process that started this one ends').hideHelp())
    .action(async (opts: { json?: boolean; persist?: string; rawPaste: boolean; baud?: number; exitWithParent?: boolean }) => {
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
    });
}

function parseBaud(value: string): number {
  const baud = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(baud) || baud < 300 || baud > 10_000_000) {
    throw new InvalidArgumentError('Give a whole number of bits per second between 300 and 10000000, e.g. 115200.');
  }
  return baud;
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
