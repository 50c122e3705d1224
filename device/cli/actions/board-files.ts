/** exec, ls, cat, rm: small commands that run one program on the board. */
import { countRemote, listRemote, readRemote, removeRemote } from '../../../protocol/board-ops/board-ops.ts';
import { confirmRemoval, FEW_FILES } from '../confirm.ts';
import { base64Encode } from '../../../protocol/codec/index.ts';
import { BoardFileError } from '../../../protocol/board-ops/board-errors.ts';
import { BoardRestartedError, decodeLenient } from '../../../protocol/repl/index.ts';
import { EXIT_SOME_FAILED } from '../exit-codes.ts';
import { printJson } from '../output.ts';
import { withBoard } from '../with-board.ts';

/** How long exec lets code run before it interrupts it, unless --timeout says otherwise. */
const DEFAULT_EXEC_SECONDS = 60;

interface BoardOptions {
  port: string;
  json?: boolean;
}

export async function runExec(code: string, opts: BoardOptions & { timeout?: number }): Promise<void> {
  await withBoard(opts.port, async (board) => {
    const seconds = opts.timeout ?? DEFAULT_EXEC_SECONDS;
    // At the deadline the code is interrupted as a user would (Ctrl-C); its KeyboardInterrupt ends the exec.
    let stopped = false;
    const timer = setTimeout(() => {
      stopped = true;
      void board.transport.write(Uint8Array.of(0x03)).catch(() => {});
    }, seconds * 1000);
    const result = await board.repl
      .exec(code, { timeoutMs: (seconds + 5) * 1000, onStdout: opts.json ? undefined : (b) => process.stdout.write(b) })
      .catch((error: Error) => {
        if (error instanceof BoardRestartedError) throw error;
        throw Object.assign(error, { message: `${error.message} Give exec a longer --timeout (now ${seconds} s) if the code needs it.` });
      })
      .finally(() => clearTimeout(timer));
    if (stopped) result.error = `stopped after ${seconds} s (exec --timeout ${seconds}): the board was sent Ctrl-C\n${result.error}`;
    if (opts.json) printJson({ port: board.label, stdout: decodeLenient(result.stdout), error: result.error || null });
    else if (result.error) process.stderr.write(result.error.endsWith('\n') ? result.error : result.error + '\n');
    if (result.error) process.exitCode = EXIT_SOME_FAILED;
  });
}

export async function runLs(path: string | undefined, opts: BoardOptions): Promise<void> {
  await withBoard(opts.port, (board) =>
    boardMaySayNo(opts, path ?? '', async () => {
      const entries = await listRemote(board.repl, path ?? '');
      if (opts.json) printJson(entries);
      else for (const e of entries) process.stdout.write(`${String(e.size).padStart(10)}  ${e.name}${e.kind === 'dir' ? '/' : ''}\n`);
    }),
  );
}

export async function runCat(path: string, opts: BoardOptions): Promise<void> {
  await withBoard(opts.port, (board) =>
    boardMaySayNo(opts, path, async () => {
      const bytes = await readRemote(board.repl, path);
      if (!opts.json) {
        process.stdout.write(bytes);
        return;
      }
      const text = utf8OrNull(bytes);
      printJson(text === null ? { path, size: bytes.length, base64: base64Encode(bytes) } : { path, size: bytes.length, text });
    }),
  );
}

export async function runRm(path: string, opts: BoardOptions & { recursive?: boolean; yes?: boolean }): Promise<void> {
  await withBoard(opts.port, (board) =>
    boardMaySayNo(opts, path, async () => {
      if (opts.recursive) {
        const everything = ['', '/', '.'].includes(path.trim());
        const count = await countRemote(board.repl, path);
        if (everything || count > FEW_FILES) {
          const what = `rm -r ${path || '.'} would remove ${everything ? 'everything on the board' : 'a folder'}: ${count} file${count === 1 ? '' : 's'}`;
          if (!(await confirmRemoval(what, opts))) {
            process.stderr.write('mpysync: nothing was removed\n');
            process.exitCode = EXIT_SOME_FAILED;
            return;
          }
        }
      }
      await removeRemote(board.repl, path, opts.recursive ?? false);
      if (opts.json) printJson({ path, removed: true, error: null });
    }),
  );
}

/** The board refusing a file operation (no such file, a folder…) is said in words, exit code 1, as every command's "it did not work". */
async function boardMaySayNo(opts: BoardOptions, path: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (!(error instanceof BoardFileError)) throw error;
    if (opts.json) printJson({ path, error: error.message, errno: error.errno });
    else process.stderr.write(`mpysync: ${error.message}\n`);
    process.exitCode = EXIT_SOME_FAILED;
  }
}

function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
