import { BoardResetError } from './errors';
import { EOF_MARKER, PROMPT, RAW_BANNER_WITH_PROMPT } from './framing';
import type { ReplLink } from './link';

export interface ExecResult {
  /** Everything the code printed, byte for byte (may be invalid UTF-8). */
  stdout: Uint8Array;
  /** '' when none; otherwise the board's traceback text. */
  error: string;
}

const lenientUtf8 = new TextDecoder('utf-8', { fatal: false });

export function decodeLenient(bytes: Uint8Array): string {
  return lenientUtf8.decode(bytes);
}

/**
 * Read one command's reply after the board has accepted the code: `stdout \x04 error \x04 >`.
 * If `>` does not follow, the board soft-reset (SystemExit on v1.24+, machine.soft_reset()): it
 * prints `MPY: soft reboot`, boot.py output and the raw banner. Read up to that banner's `>` so the
 * next command starts clean, then throw BoardResetError.
 */
export async function readResult(
  link: ReplLink,
  idleMs: number,
  onStdout?: (bytes: Uint8Array) => void,
): Promise<ExecResult> {
  const limit = { idleMs };
  const stdout = await link.until(EOF_MARKER, limit, 'the output of the command (ending in \\x04)', onStdout);
  const error = await link.until(EOF_MARKER, limit, 'the exception text of the command (ending in \\x04)');
  const next = await link.take(1, limit, "the '>' prompt after the command");
  if (next[0] === PROMPT) return { stdout, error: decodeLenient(error) };
  link.log(`no '>' after the command's reply: waiting for the board to come back from a reset`);
  await link.until(RAW_BANNER_WITH_PROMPT, limit, 'the raw REPL banner after the board reset itself');
  throw new BoardResetError(link.label, stdout);
}
