import { RawReplProtocolError } from './errors';
import { CTRL_C, CTRL_D, OK, PLAIN_RAW_PIECE, startsWith } from './framing';

/** A board answers `OK` the moment it reads Ctrl-D; this much silence means the Ctrl-D was lost. */
const LOST_EOF_MS = 3_000;
/** After the clearing Ctrl-C, this much silence means the board had not started the code. */
const CLEARED_QUIET_MS = 500;
import type { ReplLink } from './link';
import { readResult, type ExecResult } from './result';

/**
 * Plain raw mode (firmware without raw-paste): send the code in 256-byte pieces with a pause after
 * each, then `\x04`; the board answers `OK`, then the reply. One round trip.
 */
export async function execPlainRaw(
  link: ReplLink,
  code: Uint8Array,
  options: { idleMs: number; paceMs: number; onStdout?: (bytes: Uint8Array) => void },
): Promise<ExecResult> {
  const send = async () => {
    for (let offset = 0; offset < code.length; offset += PLAIN_RAW_PIECE) {
      if (offset > 0) await link.sleep(options.paceMs);
      await link.write(code.subarray(offset, offset + PLAIN_RAW_PIECE), options.idleMs);
    }
    await link.write(Uint8Array.of(CTRL_D), options.idleMs);
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
  return readResult(link, options.idleMs, options.onStdout);
}

/**
 * Plain raw mode, sent again once when the board could not even compile what arrived: on a line
 * that drops bytes that is the usual sign of a lost byte, and code that did not compile never ran,
 * so sending it again is safe. A real syntax error comes back the same the second time.
 */
export async function execPlainRawResilient(
  link: ReplLink,
  code: Uint8Array,
  options: { idleMs: number; paceMs: number; onStdout?: (bytes: Uint8Array) => void },
): Promise<ExecResult> {
  const first = await execPlainRaw(link, code, options);
  if (!/(^|\n)SyntaxError: /.test(first.error)) return first;
  link.log('the board could not compile the command (a byte lost on the line?): sending it once more');
  return execPlainRaw(link, code, options);
}
