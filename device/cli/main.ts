import { Command, CommanderError } from 'commander';
import { MpysyncError } from '../../protocol/errors';
import { EXIT_USAGE } from './exit-codes';

const program = new Command();
program.name('mpysync').description('Probe MicroPython boards, check .mpy files against them, and sync only what loads.').showHelpAfterError().exitOverride();

// Each command lives in its own module under ./commands and registers itself here.
const registrations: Array<Promise<{ register(program: Command): void }>> = [
  // commands: (one import per line; keep sorted)
  import('./commands/board-files'),
  import('./commands/probe'),
  import('./commands/repl'),
  import('./commands/sync'),
  import('./commands/check'),
  import('./commands/inspect'),
  import('./commands/ports'),
  import('./commands/virtual'),
];
for (const mod of await Promise.all(registrations)) mod.register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else if (error instanceof MpysyncError) {
    process.stderr.write(`mpysync: ${error.message}\n`);
    process.exitCode = (error as { exitCode?: number }).exitCode ?? EXIT_USAGE;
  } else {
    throw error;
  }
}
