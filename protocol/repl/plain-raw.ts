import { BoardResetError, RawReplProtocolError } from './errors.ts';
import { CTRL_C, CTRL_D, OK, PLAIN_RAW_PIECE, startsWith } from './framing.ts';

/** A board answers `OK` the moment it reads Ctrl-D; this much silence means the Ctrl-D was lost. */
const LOST_EOF_MS = 3_000;
/** After the clearing Ctrl-C, this much silence means the board had not started the code. */
const CLEARED_QUIET_MS = 500;
import type { ReplLink } from './link.ts';
import { readResult, type ExecResult } from './result.ts';

export interface PlainRawOptions {
  idleMs: number;
  paceMs: number;
  onStdout?: (bytes: Uint8Array) => void;
  /**
   * Send a second Ctrl-D after the code's: it waits in the board's input while the code runs, and
   * at the next prompt, on an empty line, soft-resets the board. Called after the reply to read
   * what the reset prints.
   */
  thenSoftReset?: () => Promise<void>;
}

/**
 * Plain raw mode (firmware without raw-paste): send the code in PLAIN_RAW_PIECE-byte pieces with
 * a pause after each, then `\x04`; the board answers `OK`, then the reply. One round trip.
 */
export async function execPlainRaw(link: ReplLink, code: Uint8Array, options: PlainRawOptions): Promise<ExecResult> {
  const closing = options.thenSoftReset ? Uint8Array.of(CTRL_D, CTRL_D) : Uint8Array.of(CTRL_D);
  const send = async () => {
    for (let offset = 0; offset < code.length; offset += PLAIN_RAW_PIECE) {
      if (offset > 0) await link.sleep(options.paceMs);
      await link.write(code.subarray(offset, offset + PLAIN_RAW_PIECE), options.idleMs);
    }
    await link.write(closing, options.idleMs);
    link.countRoundTrip();
  };
  await send();
  let answer = await link.take(2, { idleMs: Math.min(options.idleMs, LOST_EOF_MS) }, "the board's 'OK' after the code").catch(() => null);
  if (answer === null) {
    // Plain raw mode has no flow control, and a UART that drops a byte can drop the closing
    // Ctrl-D: the board then waits for more code, silently. Ctrl-C clears a raw REPL's input
    // without a word; if the code was running after all, it is interrupted and says so ('OK' and
    // a KeyboardInterrupt), which the caller sees as a failed command.
    link.log(`no 'OK' ${LOST_EOF_MS} ms after the code: clearing the board's input and sending the code again`);
    await link.write(Uint8Array.of(CTRL_C), options.idleMs);
    answer = await link.take(2, { idleMs: CLEARED_QUIET_MS }, "the board's 'OK' after the code").catch(() => null);
    if (answer === null) {
      await send();
      answer = await link.take(2, { idleMs: options.idleMs }, "the board's 'OK' after the code");
    }
  }
  if (!startsWith(answer, OK)) {
    throw new RawReplProtocolError(link.label, "instead of 'OK' after the code was sent in raw mode", answer);
  }
  let result: ExecResult;
  try {
    result = await readResult(link, options.idleMs, options.onStdout);
  } catch (error) {
    // The code reset the board itself (sys.exit): the second Ctrl-D resets it once more.
    if (error instanceof BoardResetError) await options.thenSoftReset?.();
    throw error;
  }
  await options.thenSoftReset?.();
  return result;
}

/**
 * Plain raw mode, sent again once when the board could not even compile what arrived: on a line
 * that drops bytes that is the usual sign of a lost byte, and code that did not compile never ran,
 * so sending it again is safe. A real syntax error comes back the same the second time.
 */
export async function execPlainRawResilient(link: ReplLink, code: Uint8Array, options: PlainRawOptions): Promise<ExecResult> {
  const first = await execPlainRaw(link, code, options);
  if (!/(^|\n)SyntaxError: /.test(first.error)) return first;
  link.log('the board could not compile the command (a byte lost on the line?): sending it once more');
  return execPlainRaw(link, code, options);
}
