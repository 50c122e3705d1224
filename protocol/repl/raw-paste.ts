import { concat, type WaitLimit } from './byte-queue.ts';
import { RawReplProtocolError } from './errors.ts';
import { CTRL_A, CTRL_D, OLD_FIRMWARE_REPLY, PROMPT, RAW_PASTE_NO, RAW_PASTE_REQUEST, RAW_PASTE_YES, startsWith } from './framing.ts';
import type { ReplLink } from './link.ts';
import { readResult, type ExecResult } from './result.ts';

/*
 * Raw-paste mode (MicroPython v1.14+, `pyexec.c` `do_reader_stdin`). The host sends `\x05A\x01`;
 * the board answers `R\x01`, the window size W (2 bytes, little-endian) and `\x01`: together
 * 2·W bytes of credit. Each `\x01` after that grants W more. The code ends with `\x04`, which the
 * board acknowledges with `\x04`; then the usual `stdout \x04 error \x04 >` follows (no `OK`).
 * A `\x04` from the board while code is still being sent means it stopped reading (compile error):
 * the host sends its `\x04` at once and stops.
 *
 * Round trips (what `stats.roundTrips` counts here):
 * - the first exec of a connection waits for the `R\x01` answer before sending code: 1;
 * - once the window is known, the request, the first 2·W bytes of code (and the closing `\x04`
 *   when the code fits) go out in ONE write without waiting; the board's header is read later,
 *   with the rest of the reply — so a command of up to 2·W bytes costs one round trip in all;
 * - each further window of code depends on a credit from the board; those are flow control inside
 *   one command, not request/reply exchanges, and are counted apart in `stats.creditWaits` (1 per
 *   window, whether or not the credit had already arrived, so the count does not depend on timing);
 * - the wait for the reply after the closing `\x04`: 1.
 */

const HEADER_LENGTH = 5; // R \x01 window-lo window-hi \x01

export type RawPasteAnswer = { supported: true; window: number } | { supported: false; reason: string };

/**
 * The most code that may follow the first raw-paste request before its answer is known: twice
 * the smallest window any firmware uses (32, nrf boards), so it is within the credit a board
 * grants at once. On firmware without raw-paste these bytes land in the raw REPL's input buffer,
 * which the caller clears with Ctrl-C — so the first command costs one round trip either way.
 */
export const OPTIMISTIC_FIRST_PIECE = 64;

/**
 * Ask an idle raw REPL (prompt consumed) for raw-paste mode, sending `firstCode` (at most
 * OPTIMISTIC_FIRST_PIECE bytes) in the same write, and read its answer.
 */
export async function requestRawPaste(link: ReplLink, idleMs: number, firstCode: Uint8Array = new Uint8Array(0)): Promise<RawPasteAnswer> {
  await link.write(concat([RAW_PASTE_REQUEST, firstCode]), idleMs);
  link.countRoundTrip();
  return readRawPasteAnswer(link, { idleMs });
}

/**
 * Read the board's answer to `\x05A\x01`: the raw-paste header, `R\x00` and its `>`, or (firmware
 * before v1.14, which takes the Ctrl-A for "reset the raw REPL") the raw banner again.
 */
export async function readRawPasteAnswer(link: ReplLink, limit: WaitLimit): Promise<RawPasteAnswer> {
  const reply = await link.take(2, limit, 'the answer to the raw-paste request');
  if (startsWith(reply, RAW_PASTE_YES)) {
    const rest = await link.take(3, limit, 'the raw-paste window size');
    return { supported: true, window: parseHeader(link, concat([reply, rest])) };
  }
  if (startsWith(reply, RAW_PASTE_NO)) {
    await link.until(Uint8Array.of(PROMPT), limit, "the '>' after the board declined raw-paste");
    return { supported: false, reason: 'the board answered R\\x00 (raw-paste command not understood)' };
  }
  if (startsWith(reply, OLD_FIRMWARE_REPLY)) {
    // Firmware before v1.14 treats the Ctrl-A as "reset the raw REPL" and prints its banner again.
    await link.until(BANNER_REST, limit, 'the rest of the raw REPL banner');
    return { supported: false, reason: 'the firmware has no raw-paste mode (it answered with the raw REPL banner)' };
  }
  throw new RawReplProtocolError(link.label, 'to the raw-paste request \\x05A\\x01', reply);
}

const BANNER_REST = new TextEncoder().encode('CTRL-B to exit\r\n>');

function parseHeader(link: ReplLink, header: Uint8Array): number {
  const window = header[2]! | (header[3]! << 8);
  if (!startsWith(header, RAW_PASTE_YES) || header[4] !== CTRL_A || window === 0) {
    throw new RawReplProtocolError(link.label, 'as the raw-paste header (expected R\\x01, a window size and \\x01)', header);
  }
  return window;
}

/**
 * Send `code` in raw-paste mode under the board's credit and read the reply.
 * `pipelined`: the request is sent together with the code, trusting the window learned earlier
 * (the board's header is checked when it arrives). Otherwise the request was already answered.
 */
export async function execRawPaste(
  link: ReplLink,
  code: Uint8Array,
  options: {
    window: number;
    pipelined: boolean;
    idleMs: number;
    onStdout?: (bytes: Uint8Array) => void;
    alreadySent?: number;
    /** After each write of the code: how much of it has gone (the board's credits pace it). */
    onSent?: (sentBytes: number, totalBytes: number) => void;
  },
): Promise<ExecResult> {
  const { window, idleMs } = options;
  const alreadySent = options.alreadySent ?? 0;
  const limit = { idleMs };
  let headerPending = options.pipelined;
  let credits = 0; // `\x01`s received and not spent yet
  let boardStopped = false; // the board sent `\x04` before our `\x04`
  let terminatorSent: boolean;

  /** Handle one byte from the board while code is going out. */
  const absorb = (byte: number): void => {
    if (byte === CTRL_A) credits++;
    else if (byte === CTRL_D) boardStopped = true;
    else throw new RawReplProtocolError(link.label, 'while code was being sent in raw-paste mode (expected \\x01 or \\x04)', Uint8Array.of(byte));
  };
  const readHeader = async (): Promise<void> => {
    const header = await link.take(HEADER_LENGTH, limit, 'the raw-paste header');
    if (parseHeader(link, header) !== window) {
      throw new RawReplProtocolError(link.label, `as the raw-paste header (the window was ${window} bytes before)`, header);
    }
    headerPending = false;
  };
  /** Take whatever has already arrived, without waiting. */
  const absorbArrived = async (): Promise<void> => {
    if (headerPending && link.queue.size >= HEADER_LENGTH) await readHeader();
    while (!headerPending && !boardStopped && link.queue.size > 0) absorb(link.queue.takeAvailable(1)[0]!);
  };

  const firstPiece = code.subarray(alreadySent, Math.max(alreadySent, 2 * window));
  let sent = alreadySent + firstPiece.length;
  terminatorSent = sent === code.length;
  const first = [firstPiece];
  if (options.pipelined) first.unshift(RAW_PASTE_REQUEST);
  if (terminatorSent) first.push(Uint8Array.of(CTRL_D));
  await link.write(concat(first), idleMs);
  options.onSent?.(sent, code.length);

  while (sent < code.length) {
    await absorbArrived();
    if (boardStopped) break;
    if (credits === 0) {
      if (headerPending) await readHeader();
      while (credits === 0 && !boardStopped) absorb((await link.take(1, limit, 'a raw-paste flow-control credit (\\x01)'))[0]!);
      if (boardStopped) break;
    }
    // Every credit already here is spent in one write (fewer wake-ups on both sides).
    const piece = code.subarray(sent, sent + credits * window);
    const windows = Math.ceil(piece.length / window);
    credits -= windows;
    // Each window after the first two depends on a credit from the board: counted apart from round
    // trips, one per window whether or not its credit was already here, so the count does not
    // depend on timing.
    for (let i = 0; i < windows; i++) link.countCreditWait();
    sent += piece.length;
    terminatorSent = sent === code.length;
    await link.write(terminatorSent ? concat([piece, Uint8Array.of(CTRL_D)]) : piece, idleMs);
    options.onSent?.(sent, code.length);
  }
  if (!terminatorSent) await link.write(Uint8Array.of(CTRL_D), idleMs);

  link.countRoundTrip();
  if (headerPending) await readHeader();
  // Credits may still arrive for the last windows; the board's `\x04` acknowledges the end of the code.
  while (!boardStopped) absorb((await link.take(1, limit, 'the board to acknowledge the end of the code (\\x04)'))[0]!);
  return readResult(link, idleMs, options.onStdout);
}
