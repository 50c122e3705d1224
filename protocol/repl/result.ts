import { concat } from './byte-queue.ts';
import { BoardResetError, BoardRestartedError } from './errors.ts';
import { CTRL_D, EOF_MARKER, PROMPT, RAW_BANNER_WITH_PROMPT } from './framing.ts';
import type { ReplLink } from './link.ts';

/** The end of a board's start-up banner, at its friendly prompt (what a hard reset prints last). */
const RESTARTED = /MicroPython v[^\n]*\r?\nType "help\(\)" for more information\.\r?\n>>> $/;
const RESTART_TAIL = 240;

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

const END_OF_REPLY = Uint8Array.of(CTRL_D, PROMPT);

/**
 * Read one command's reply after the board has accepted the code: `stdout \x04 error \x04 >`.
 *
 * When `>` does not follow the second `\x04`, one of two things happened:
 * - the board soft-reset (SystemExit on v1.24+, machine.soft_reset()): `MPY: soft reboot`, boot.py
 *   output and the raw banner follow. Read up to the banner's `>` so the next command starts clean,
 *   then throw BoardResetError;
 * - the program printed `\x04` itself, so the markers came early: the reply really ends at `\x04>`.
 *   Everything before that `\x04` is stdout and error, split at the LAST `\x04` (a traceback never
 *   holds one). Only stdout containing `\x04>` or the raw banner can still fool the engine.
 */
export async function readResult(link: ReplLink, idleMs: number, onStdout?: (bytes: Uint8Array) => void): Promise<ExecResult> {
  const limit = { idleMs };
  // A board that restarts mid-command prints its banner and waits at its friendly prompt: say so
  // at once, rather than after the idle time.
  let tail = '';
  const seen: Uint8Array[] = [];
  const watch = (bytes: Uint8Array) => {
    seen.push(bytes);
    tail = (tail + decodeLenient(bytes)).slice(-RESTART_TAIL);
    if (RESTARTED.test(tail)) throw new BoardRestartedError(link.label, concat(seen));
    onStdout?.(bytes);
  };
  const stdout = await link.until(EOF_MARKER, limit, 'the output of the command (ending in \\x04)', watch);
  const error = await link.until(EOF_MARKER, limit, 'the exception text of the command (ending in \\x04)');
  const next = await link.take(1, limit, "the '>' prompt after the command");
  if (next[0] === PROMPT) return { stdout, error: decodeLenient(error) };

  link.queue.unshift(next);
  const rest = await link.untilAny([END_OF_REPLY, RAW_BANNER_WITH_PROMPT], limit, "the '>' prompt after the command");
  if (rest.matched === 1) {
    link.log(`the board reset itself during the command`);
    throw new BoardResetError(link.label, stdout);
  }
  const body = concat([stdout, EOF_MARKER, error, EOF_MARKER, rest.before]);
  const split = body.lastIndexOf(CTRL_D);
  const fullStdout = body.slice(0, split);
  link.log(`the output held ${countByte(fullStdout, CTRL_D)} \\x04 byte(s) of its own`);
  onStdout?.(fullStdout.slice(stdout.length));
  return { stdout: fullStdout, error: decodeLenient(body.slice(split + 1)) };
}

function countByte(bytes: Uint8Array, byte: number): number {
  let count = 0;
  for (const b of bytes) if (b === byte) count++;
  return count;
}
