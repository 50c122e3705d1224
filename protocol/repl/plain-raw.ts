import { RawReplProtocolError } from './errors';
import { CTRL_D, OK, PLAIN_RAW_PIECE, startsWith } from './framing';
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
  for (let offset = 0; offset < code.length; offset += PLAIN_RAW_PIECE) {
    if (offset > 0) await link.sleep(options.paceMs);
    await link.write(code.subarray(offset, offset + PLAIN_RAW_PIECE), options.idleMs);
  }
  await link.write(Uint8Array.of(CTRL_D), options.idleMs);
  link.countRoundTrip();
  const answer = await link.take(2, { idleMs: options.idleMs }, "the board's 'OK' after the code");
  if (!startsWith(answer, OK)) {
    throw new RawReplProtocolError(link.label, "instead of 'OK' after the code was sent in raw mode", answer);
  }
  return readResult(link, options.idleMs, options.onStdout);
}
