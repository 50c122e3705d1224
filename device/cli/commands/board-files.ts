import type { Command } from 'commander';
import { listRemote, readRemote, removeRemote } from '../../../protocol/board-ops/board-ops';
import { BoardError } from '../../../protocol/repl';
import { EXIT_SOME_FAILED } from '../exit-codes';
import { printJson } from '../output';
import { addPortOption, withBoard } from '../with-board';

/** exec, ls, cat, rm: small commands that run one program on the board. */
export function register(program: Command): void {
  addPortOption(program.command('exec <code>').description('run Python code on the board and print what it prints')).action(
    async (code: string, opts: { port: string }) => {
      await withBoard(opts.port, async (board) => {
        const result = await board.repl.exec(code, { timeoutMs: 60_000, onStdout: (b) => process.stdout.write(b) });
        if (result.error) {
          process.stderr.write(result.error.endsWith('\n') ? result.error : result.error + '\n');
          process.exitCode = EXIT_SOME_FAILED;
        }
      });
    },
  );

  addPortOption(program.command('ls [path]').description('list a folder on the board').option('--json', 'machine-readable output')).action(
    async (path: string | undefined, opts: { port: string; json?: boolean }) => {
      await withBoard(opts.port, async (board) => {
        const entries = await listRemote(board.repl, path ?? '');
        if (opts.json) printJson(entries);
        else for (const e of entries) process.stdout.write(`${String(e.size).padStart(10)}  ${e.name}${e.kind === 'dir' ? '/' : ''}\n`);
      });
    },
  );

  addPortOption(program.command('cat <path>').description('print a file from the board (bytes as they are)')).action(
    async (path: string, opts: { port: string }) => {
      await withBoard(opts.port, async (board) => {
        process.stdout.write(await readRemote(board.repl, path));
      });
    },
  );

  addPortOption(
    program
      .command('rm <path>')
      .description('remove a file (or, with -r, a folder) on the board')
      .option('-r, --recursive', 'remove folders and what they hold'),
  ).action(async (path: string, opts: { port: string; recursive?: boolean }) => {
    await withBoard(opts.port, async (board) => {
      try {
        await removeRemote(board.repl, path, opts.recursive ?? false);
      } catch (error) {
        if (!(error instanceof BoardError)) throw error;
        process.stderr.write(`mpysync: could not remove ${path} on ${board.label}: ${error.exceptionType}: ${error.exceptionMessage}\n`);
        process.exitCode = EXIT_SOME_FAILED;
      }
    });
  });
}
