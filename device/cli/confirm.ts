/**
 * Destroying many files on a board asks first: at a terminal the user answers; in a script, a pipe
 * or with --json nothing can answer, so the command refuses unless --yes was given.
 */
import { createInterface } from 'node:readline/promises';
import { MpysyncError } from '../../protocol/errors.ts';

/** More than this many files removed at once needs a yes. */
export const FEW_FILES = 5;

/** True to go ahead; false when the user said no. Throws (exit 2) when nobody can be asked and --yes is missing. */
export async function confirmRemoval(what: string, opts: { yes?: boolean; json?: boolean }): Promise<boolean> {
  if (opts.yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY || opts.json) {
    throw new MpysyncError('needs-yes', `${what}: nothing was removed; add --yes to do it`);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${what}. Go ahead? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
