/**
 * Base of every error mpysync raises on purpose. `message` is written for the user: it says what
 * happened, names the file / port / byte involved, and what to do about it.
 */
export class MpysyncError extends Error {
  override name = 'MpysyncError';
  /** Stable machine-readable kind, e.g. "port-not-found", "raw-repl-timeout". */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The link to the board ended (unplugged, board process killed, port closed). */
export class TransportClosedError extends MpysyncError {
  override name = 'TransportClosedError';
  constructor(label: string, detail?: string, options?: { cause?: unknown }) {
    super('transport-closed', `the connection to ${label} closed${detail ? `: ${detail}` : ''}`, options);
  }
}

/** Show printable ASCII as is and everything else as \xNN, so a user can see what a port sent. */
export function describeBytes(bytes: Uint8Array, max = 120): string {
  let out = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b >= 0x20 && b < 0x7f && b !== 0x5c) out += String.fromCharCode(b);
    else out += '\\x' + b.toString(16).padStart(2, '0');
  }
  if (bytes.length > max) out += `… (${bytes.length - max} more bytes)`;
  return out;
}
