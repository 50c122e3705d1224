import { MpysyncError, TransportClosedError, describeBytes } from '../errors.ts';

export { TransportClosedError };

/** The raw REPL banner never came back: not a MicroPython board, or one stuck in a program. */
export class RawReplEnterError extends MpysyncError {
  override name = 'RawReplEnterError';
  /** The last bytes the port sent while we tried (up to 256). */
  readonly received: Uint8Array;
  constructor(label: string, received: Uint8Array, receivedCount: number, waitedMs: number) {
    super('no-raw-repl', enterFailureMessage(label, received, receivedCount, waitedMs));
    this.received = received;
  }
}

function enterFailureMessage(label: string, received: Uint8Array, receivedCount: number, waitedMs: number): string {
  const seconds = formatSeconds(waitedMs);
  const head = `could not enter the raw REPL on ${label}`;
  if (receivedCount === 0) {
    return (
      `${head}: received nothing in ${seconds} — is a MicroPython board on this port, powered and running? ` +
      `If it is, a program on it may have turned Ctrl-C off (micropython.kbd_intr(-1)), or an ESP board may be held ` +
      `in reset or in its bootloader: press the board's reset button and retry`
    );
  }
  // MicroPython never sends Ctrl-A or Ctrl-C back; a port that does is reflecting our own bytes.
  const echoes = received.includes(0x01) || received.includes(0x03);
  const hint = echoes
    ? '(the port echoes everything it is sent: a loopback or a terminal, not a MicroPython REPL)'
    : '(no raw REPL banner came back; if a program that ignores Ctrl-C is running, reset the board and retry)';
  return `${head} within ${seconds}: got '${describeBytes(received)}' — is this a MicroPython board? ${hint}`;
}

/** The board stopped answering in the middle of a command. */
export class RawReplTimeoutError extends MpysyncError {
  override name = 'RawReplTimeoutError';
  readonly lastReceived: Uint8Array;
  constructor(label: string, waitingFor: string, waitedMs: number, lastReceived: Uint8Array) {
    const last = lastReceived.length > 0 ? `; the last bytes it sent were '${describeBytes(lastReceived.slice(-80))}'` : '';
    super(
      'raw-repl-timeout',
      `${label} sent nothing for ${formatSeconds(waitedMs)} while mpysync waited for ${waitingFor}${last}. ` +
        `The code may still be running (an endless loop?); the next command interrupts it with Ctrl-C.`,
    );
    this.lastReceived = lastReceived;
  }
}

/**
 * The board printed its start-up banner in the middle of a command: it restarted (a hard reset, a
 * crash, a watchdog; a virtual board whose program Ctrl-C could not stop). It waits at its
 * friendly prompt; the next command enters the raw REPL again.
 */
export class BoardRestartedError extends MpysyncError {
  override name = 'BoardRestartedError';
  readonly stdout: Uint8Array;
  constructor(label: string, stdout: Uint8Array) {
    super(
      'board-restarted',
      `the board on ${label} restarted while running the command: its start-up banner came back ` +
        `(a reset: Ctrl-C could not stop the code, or it crashed). It waits at its prompt; the next command starts afresh.`,
    );
    this.stdout = stdout;
  }
}

/** The board answered with bytes the raw REPL protocol does not allow at that point. */
export class RawReplProtocolError extends MpysyncError {
  override name = 'RawReplProtocolError';
  readonly received: Uint8Array;
  constructor(label: string, context: string, received: Uint8Array) {
    super(
      'raw-repl-protocol',
      `${label} answered '${describeBytes(received)}' ${context}; another program may be using the port ` +
        `(close it), or the board is not in the state mpysync expected — retry the command.`,
    );
    this.received = received;
  }
}

/** The code raised an exception on the board; `traceback` is the board's text. */
export class BoardError extends MpysyncError {
  override name = 'BoardError';
  readonly traceback: string;
  /** e.g. "OSError"; '' when the last line has no recognisable exception name. */
  readonly exceptionType: string;
  /** The text after "Type: " on the last line, e.g. "[Errno 2] ENOENT". */
  readonly exceptionMessage: string;
  constructor(traceback: string) {
    const { type, message, lastLine } = parseLastLine(traceback);
    super('board-exception', `the board raised ${lastLine || 'an exception with no text'}`);
    this.traceback = traceback;
    this.exceptionType = type;
    this.exceptionMessage = message;
  }
}

function parseLastLine(traceback: string): { type: string; message: string; lastLine: string } {
  const lines = traceback
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line !== '');
  const lastLine = lines[lines.length - 1] ?? '';
  const match = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/.exec(lastLine);
  if (!match) return { type: '', message: lastLine, lastLine };
  return { type: match[1]!, message: match[2] ?? '', lastLine };
}

/** The board soft-reset while running a command (its raw REPL banner came back instead of `>`). */
export class BoardResetError extends MpysyncError {
  override name = 'BoardResetError';
  /** What the code printed before the reset. */
  readonly stdout: Uint8Array;
  constructor(label: string, stdout: Uint8Array) {
    super(
      'board-reset',
      `the board on ${label} reset itself while running the command (sys.exit() or machine.soft_reset()?); ` +
        `it is back at the raw REPL and ready for the next command`,
    );
    this.stdout = stdout;
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${seconds >= 10 ? Math.round(seconds) : Number(seconds.toFixed(2))} s`;
}
