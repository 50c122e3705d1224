import { CommanderError } from 'commander';
import { MpysyncError } from '../../protocol/errors.ts';
import { PACKAGE_VERSION } from '../package-info.ts';
import { buildProgram } from './commands.ts';
import { EXIT_USAGE } from './exit-codes.ts';

try {
  await buildProgram(PACKAGE_VERSION).parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0; commander has already said what was wrong.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else if (error instanceof MpysyncError) {
    process.stderr.write(`mpysync: ${error.message}\n`);
    process.exitCode = (error as { exitCode?: number }).exitCode ?? EXIT_USAGE;
  } else {
    throw error;
  }
}
