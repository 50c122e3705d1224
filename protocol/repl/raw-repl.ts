import type { Transport } from '../transport.ts';
import { MpysyncError } from '../errors.ts';
import { concat, WaitTimeout } from './byte-queue.ts';
import { BoardError, BoardResetError, RawReplEnterError, RawReplTimeoutError, TransportClosedError } from './errors.ts';
import {
  BANNER_END,
  CTRL_C,
  CTRL_D,
  ENTER_RAW,
  EXIT_RAW,
  FRIENDLY_PROMPT,
  INTERRUPT,
  RAW_BANNER_WITH_PROMPT,
  RAW_PASTE_REQUEST,
  SOFT_REBOOT,
} from './framing.ts';
import { ReplLink, type ReplStats } from './link.ts';
import { execPlainRawResilient } from './plain-raw.ts';
import { execRawPaste, OPTIMISTIC_FIRST_PIECE, readRawPasteAnswer, requestRawPaste } from './raw-paste.ts';
import { decodeLenient, readResult, type ExecResult } from './result.ts';
import { Feeder, withoutCredits } from './feed.ts';

export type { ExecResult } from './result.ts';
export type { ReplStats } from './link.ts';

export interface RawReplOptions {
  log?: (message: string) => void;
  /** Pause after Ctrl-C before the input is drained and Ctrl-A sent (default 100 ms). */
  drainMs?: number;
  /** Pause between PLAIN_RAW_PIECE-byte pieces in plain raw mode (default 2 ms; see framing.ts). */
  plainRawPaceMs?: number;
}

/** How the code reaches the board: raw-paste compiles while it streams in; plain raw buffers it all first. */
export type ExecMode = 'raw-paste' | 'plain';

/**
 * The program to run, or a function choosing it once the mode is known — so a caller can send
 * more in one command to boards that compile while streaming (and so need less RAM for it).
 */
export type Code = string | Uint8Array | ((mode: ExecMode) => string | Uint8Array);

export interface ExecOptions {
  /** Give up when the board sends nothing for this long (default 10 s). */
  timeoutMs?: number;
  /** Receives stdout bytes as they arrive. */
  onStdout?: (bytes: Uint8Array) => void;
  /**
   * Bytes the program reads from the console while it runs, one segment per read call, sent a piece
   * at a time as it asks (feed.ts). Its credit bytes are taken out of stdout.
   */
  feed?: { segments: readonly Uint8Array[]; onFed?: (sentBytes: number) => void };
  /**
   * On a board without raw-paste, soft-reset it before the code goes (main.py does not run in raw
   * mode). Such firmware holds the whole program in one line buffer before compiling, and the
   * micro:bit hung, not even raising MemoryError, receiving a 1.6 KB program into a heap left
   * in pieces by an earlier program.
   */
  freshHeapIfPlain?: boolean;
  /**
   * On a board without raw-paste, soft-reset it right after the code, in the same write (a second
   * Ctrl-D that waits in the board's input while the code runs): the next command then finds a
   * fresh heap without a round trip of its own. Best effort: when the reset's reply does not come,
   * the next `freshHeapIfPlain` command resets as usual.
   */
  thenFreshHeapIfPlain?: boolean;
  /**
   * As the code goes out in raw-paste mode: how much of it has gone, each time a window's worth
   * more was sent (progress within a long command).
   */
  onCodeSent?: (sentBytes: number, totalBytes: number) => void;
}

const DEFAULT_IDLE_MS = 10_000;
/**
 * A board at its prompt answers Ctrl-A within milliseconds, a busy one within a few Ctrl-C retries;
 * a silent port, or a board running a program that ignores Ctrl-C, never will. 2.5 s keeps a wrong
 * port's error (process start and close included) under the 5 s the project promises.
 */
const DEFAULT_ENTER_DEADLINE_MS = 2_500;
/** Silence that ends the pause after Ctrl-C once the board has answered it (a fixed 100 ms cost every command ~85 ms). */
const QUIET_MS = 15;
const SECOND_INTERRUPT_PAUSE_MS = 100;
/** What boot.py may take after a soft reset (it may join a Wi-Fi network). */
const BOOT_MS = 10_000;
const encoder = new TextEncoder();

/** Where the board is, as far as the engine knows. */
type ReplState = 'unknown' | 'raw' | 'friendly';

/**
 * One conversation with a MicroPython board's raw REPL over a Transport.
 *
 * The engine keeps the board "at the prompt": every successful enter/exec/softReset consumes the
 * reply up to and including the raw REPL's `>`. After an error that leaves the board's state unknown
 * (a timeout, unexpected bytes), the next exec enters raw mode again first — which also interrupts
 * a program that is still running. Calls are queued: one command at a time.
 *
 * `stats.roundTrips` counts the points where the host cannot go on before the board has answered:
 * one per enter attempt (the first also learns raw-paste, see enter()), one per soft reset sent on
 * its own, one per exec. Once the raw-paste window is known, the request is pipelined with the
 * code, so a command costs one round trip whatever its size; the windows beyond the first two wait
 * for the board's credits, counted apart as `creditWaits` (details in raw-paste.ts). Only when
 * entering could not learn raw-paste does the first exec add one for the handshake. A soft reset
 * sent along with a command (ExecOptions.thenFreshHeapIfPlain) is answered right after the reply:
 * no round trip of its own.
 */
export class RawRepl {
  private readonly link: ReplLink;
  private readonly drainMs: number;
  private readonly plainRawPaceMs: number;
  private state: ReplState = 'unknown';
  private rawPasteState: 'unknown' | 'supported' | 'unsupported' = 'unknown';
  private window = 0;
  /** Nothing has run since the board's last soft reset. */
  private heapFresh = false;
  private queueTail: Promise<unknown> = Promise.resolve();

  constructor(transport: Transport, options: RawReplOptions = {}) {
    this.link = new ReplLink(transport, options.log ?? (() => {}));
    this.drainMs = options.drainMs ?? 100;
    this.plainRawPaceMs = options.plainRawPaceMs ?? 2;
  }

  /** Whether the board has raw-paste mode; learned on the first exec. */
  get rawPaste(): 'unknown' | 'supported' | 'unsupported' {
    return this.rawPasteState;
  }

  get stats(): ReplStats {
    return this.link.stats;
  }

  /**
   * Interrupt whatever runs, then Ctrl-A until the raw banner arrives (matched by its suffix), all
   * within one overall deadline. Each attempt is one round trip; later attempts send Ctrl-C twice.
   * With `softReset`, Ctrl-D then: the board restarts (boot.py runs, main.py does not).
   *
   * The first time, the raw-paste question rides with the Ctrl-A, followed by a Ctrl-D, all in the
   * same write (no round trip of its own): a board with raw-paste answers its header and takes the
   * Ctrl-D as the end of an empty program (nothing runs, nothing is lost); firmware without it (the
   * micro:bit) reprints its banner and takes the Ctrl-D, on an empty line, as a soft reset — which
   * such a small board needs before its first program anyway (see ExecOptions.freshHeapIfPlain), as
   * mpremote soft-resets every board when it starts.
   */
  enter(options: { softReset?: boolean; deadlineMs?: number } = {}): Promise<void> {
    return this.serialize(() => this.enterNow(options.deadlineMs ?? DEFAULT_ENTER_DEADLINE_MS, options.softReset ?? false));
  }

  exec(code: Code, options: ExecOptions = {}): Promise<ExecResult> {
    return this.serialize(() => this.execNow(code, options));
  }

  /** exec, then throw BoardError if the board raised; returns stdout as text (bad UTF-8 replaced). */
  async run(code: Code, options: ExecOptions = {}): Promise<string> {
    const result = await this.exec(code, options);
    if (result.error !== '') throw new BoardError(result.error);
    return decodeLenient(result.stdout);
  }

  /** Soft-reset the board unless nothing has run on it since its last soft reset. */
  freshenHeap(): Promise<void> {
    return this.serialize(async () => {
      if (this.state !== 'raw') await this.enterNow(DEFAULT_ENTER_DEADLINE_MS, false);
      if (!this.heapFresh) await this.softResetNow(Date.now() + DEFAULT_ENTER_DEADLINE_MS);
    });
  }

  /** Ctrl-D at the raw prompt: the board restarts and comes back to the raw REPL (main.py does not run). */
  softReset(): Promise<void> {
    return this.serialize(async () => {
      if (this.state !== 'raw') await this.enterNow(DEFAULT_ENTER_DEADLINE_MS, false);
      await this.softResetNow(Date.now() + DEFAULT_ENTER_DEADLINE_MS);
    });
  }

  /**
   * The board as on power-up: back to the friendly REPL, then Ctrl-D, so that it restarts and runs
   * `boot.py` and `main.py` (a soft reset from the friendly REPL runs them; from the raw REPL it does
   * not). Collects what they print until the friendly prompt is back or `runMs` have passed; a
   * program that is still running is left running (`ended` false). Raw mode is entered again by the
   * next command, which interrupts it.
   */
  runAfterSoftReset(runMs: number): Promise<{ output: Uint8Array; ended: boolean }> {
    return this.serialize(async () => {
      const link = this.link;
      if (this.state !== 'raw') await this.enterNow(DEFAULT_ENTER_DEADLINE_MS, false);
      this.state = 'unknown';
      this.heapFresh = false;
      link.countRoundTrip();
      await link.write(EXIT_RAW, DEFAULT_IDLE_MS);
      // The friendly banner ends in its prompt; only then is Ctrl-D a soft reset (on an empty line).
      await link.until(FRIENDLY_PROMPT, { deadline: Date.now() + DEFAULT_ENTER_DEADLINE_MS }, 'the friendly prompt after leaving the raw REPL');
      link.queue.takeAll();
      await link.write(Uint8Array.of(CTRL_D), DEFAULT_IDLE_MS);
      const deadline = Date.now() + runMs;
      const seen: Uint8Array[] = [];
      try {
        // main.py may print ">>> " itself: the run has ended when the banner's last line and the prompt come.
        await link.queue.takeUntil(BANNER_END, { deadline }, (bytes) => seen.push(bytes));
        this.state = 'friendly';
        return { output: concat(seen), ended: true };
      } catch (error) {
        if (!(error instanceof WaitTimeout)) throw error;
        return { output: concat([...seen, link.queue.takeAll()]), ended: false };
      }
    });
  }

  /** `\r\x02`: back to the friendly REPL. Does not wait for its banner (as mpremote). */
  /**
   * Gives the board's friendly REPL to a terminal: raw mode is left (Ctrl-B), and from then every
   * byte the board sends goes to `onBytes`, what was already waiting first. The next command takes
   * the board back (detachTerminal first), entering the raw REPL as usual.
   */
  attachTerminal(onBytes: (bytes: Uint8Array) => void): Promise<void> {
    return this.serialize(async () => {
      if (this.state !== 'friendly') {
        this.state = 'unknown';
        // Ctrl-C (anything half-typed), then Ctrl-B: the friendly REPL prints its banner and prompt.
        await this.link.write(Uint8Array.of(CTRL_C, 0x02), DEFAULT_IDLE_MS);
        this.state = 'friendly';
      }
      const waiting = this.link.queue.takeAll();
      this.link.tap = onBytes;
      if (waiting.length) onBytes(waiting);
    });
  }

  /** The terminal lets go: bytes go to the raw REPL again, which enters raw mode before its next command. */
  detachTerminal(): void {
    if (!this.link.tap) return;
    this.link.tap = null;
    this.state = 'unknown';
  }

  /** What the user typed into the terminal, as it is (Ctrl-C, Ctrl-D and paste mode are the board's business). */
  writeTerminal(bytes: Uint8Array): Promise<void> {
    return this.link.write(bytes, DEFAULT_IDLE_MS);
  }

  exitRaw(): Promise<void> {
    return this.serialize(async () => {
      this.state = 'unknown';
      await this.link.write(EXIT_RAW, DEFAULT_IDLE_MS);
      this.state = 'friendly';
    });
  }

  private async enterNow(deadlineMs: number, softReset: boolean): Promise<void> {
    const link = this.link;
    this.state = 'unknown';
    this.heapFresh = false;
    const askRawPaste = this.rawPasteState === 'unknown';
    const startedAt = Date.now();
    let deadline = startedAt + deadlineMs;
    const receivedBefore = link.queue.totalReceived;
    // One attempt gets a share of the deadline, so a lost Ctrl-C or Ctrl-A is retried in time.
    const attemptMs = Math.min(2_000, Math.max(250, deadlineMs / 4));
    const giveUp = () => {
      const receivedCount = link.queue.totalReceived - receivedBefore;
      const received = link.queue.recent();
      return new RawReplEnterError(link.label, received.slice(Math.max(0, received.length - receivedCount)), receivedCount, Date.now() - startedAt);
    };
    // A board that no longer reads its input (Ctrl-C turned off, busy) lets the port's buffer
    // fill until writes block: that too is "could not enter", with what it printed.
    const write = async (bytes: Uint8Array) => {
      try {
        await link.write(bytes, Math.max(1, deadline - Date.now()));
      } catch (error) {
        throw error instanceof RawReplTimeoutError ? giveUp() : error;
      }
    };
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw giveUp();
      link.countRoundTrip();
      const sentAt = link.queue.totalReceived;
      await write(INTERRUPT);
      if (attempt > 1) {
        // A program that caught the first KeyboardInterrupt, or a Ctrl-C lost in a busy moment.
        await link.sleep(Math.min(SECOND_INTERRUPT_PAUSE_MS, remaining));
        await write(Uint8Array.of(CTRL_C));
      }
      await this.drainUntilQuiet(Math.min(this.drainMs, Math.max(0, deadline - Date.now())), sentAt);
      const drained = link.queue.takeAll();
      if (drained.length > 0) link.log(`drained before Ctrl-A: ${drained.length} bytes`);
      // Only the first attempt asks: after a retry, late answers could not be told apart.
      const asking = askRawPaste && attempt === 1;
      await write(asking ? concat([ENTER_RAW, RAW_PASTE_REQUEST, Uint8Array.of(CTRL_D)]) : ENTER_RAW);
      try {
        // The first answer may be slow to come (qemu polls a freshly opened pty once a second):
        // the first attempt gets up to half the deadline before Ctrl-A is sent again.
        const waitMs = attempt === 1 ? Math.max(attemptMs, Math.min(1_250, deadlineMs / 2)) : attemptMs;
        await link.queue.takeUntil(RAW_BANNER_WITH_PROMPT, { deadline: Math.min(deadline, Date.now() + waitMs) });
      } catch (error) {
        if (!(error instanceof WaitTimeout)) throw error;
        // MicroPython never sends Ctrl-A back: our own `\r\x01` returned (on a retry too) means a
        // loopback or a terminal, and waiting longer cannot help.
        const receivedCount = link.queue.totalReceived - receivedBefore;
        const received = link.queue.recent();
        const lately = received.slice(Math.max(0, received.length - receivedCount));
        if (attempt >= 2 && containsSequence(lately, ENTER_RAW)) throw new RawReplEnterError(link.label, lately, receivedCount, Date.now() - startedAt);
        link.log(`attempt ${attempt}: no raw REPL banner yet`);
        continue;
      }
      if (asking && !(await this.readFoldedRawPasteAnswer())) {
        // A MicroPython board is there (it sent the banner): enter again, with time to do so.
        deadline = Math.max(deadline, Date.now() + deadlineMs);
        continue;
      }
      if (attempt > 1) await this.settleAfterRetries(deadline);
      break;
    }
    this.state = 'raw';
    if (softReset) await this.softResetNow(deadline);
  }

  /**
   * The rest of the first enter's reply, after the banner: the answer to the raw-paste question,
   * then what the Ctrl-D did — end an empty raw-paste program, or soft-reset a board without
   * raw-paste. False (logged) when the reply is not one of those: a byte lost on the line, say;
   * the caller then enters again the usual way and the first exec asks the question.
   */
  private async readFoldedRawPasteAnswer(): Promise<boolean> {
    const link = this.link;
    const deadline = Date.now() + DEFAULT_ENTER_DEADLINE_MS;
    try {
      const answer = await readRawPasteAnswer(link, { deadline });
      if (answer.supported) {
        const ack = await link.take(1, { deadline }, 'the end of the empty raw-paste program (\\x04)');
        if (ack[0] !== CTRL_D) throw new Error(`expected \\x04 after the raw-paste header, got 0x${ack[0]!.toString(16)}`);
        const empty = await readResult(link, DEFAULT_ENTER_DEADLINE_MS);
        if (empty.stdout.length || empty.error) link.log(`the empty program printed ${JSON.stringify(decodeLenient(empty.stdout) + empty.error)}`);
        this.rawPasteState = 'supported';
        this.window = answer.window;
        link.log(`raw-paste supported, window ${answer.window} bytes`);
      } else {
        await this.readSoftResetReply(deadline);
        this.rawPasteState = 'unsupported';
        link.log(`${answer.reason}: using plain raw mode for this connection (soft-reset on entering)`);
      }
      return true;
    } catch (error) {
      if (error instanceof TransportClosedError) throw error;
      link.log(`the answer to the raw-paste question sent on entering was not understood (${(error as Error).message}): entering again`);
      return false;
    }
  }

  /**
   * The pause after Ctrl-C: until the board has answered and then been quiet for QUIET_MS (an idle
   * board's `>>> ` comes within milliseconds), at most `maxMs` (a board that says nothing).
   */
  private async drainUntilQuiet(maxMs: number, receivedBefore: number): Promise<void> {
    const until = Date.now() + maxMs;
    let seen = this.link.queue.totalReceived;
    while (Date.now() < until) {
      await this.link.sleep(Math.min(QUIET_MS, until - Date.now()));
      const now = this.link.queue.totalReceived;
      if (now > receivedBefore && now === seen) return;
      seen = now;
    }
  }

  /**
   * After several Ctrl-A, a late banner from an earlier attempt may still be on its way; it must
   * not be taken for the answer to the next command. Wait until the line is quiet, and drop it.
   */
  private async settleAfterRetries(deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      const before = this.link.queue.totalReceived;
      await this.link.sleep(this.drainMs);
      if (this.link.queue.totalReceived === before) break;
    }
    const late = this.link.queue.takeAll();
    if (late.length > 0) this.link.log(`dropped ${late.length} late bytes after entering raw mode`);
  }

  private async softResetNow(deadline: number): Promise<void> {
    const link = this.link;
    this.state = 'unknown';
    link.countRoundTrip();
    await link.write(Uint8Array.of(CTRL_D), Math.max(1, deadline - Date.now()));
    await this.readSoftResetReply(deadline);
    this.state = 'raw';
  }

  /** `deadline`: for the 'soft reboot' line, which comes at once; boot.py then gets BOOT_MS. */
  private async readSoftResetReply(deadline: number): Promise<void> {
    // Separate waits: boot.py may print between "soft reboot" and the banner.
    await this.link.until(SOFT_REBOOT, { deadline }, "the board's 'soft reboot' message");
    await this.link.until(
      RAW_BANNER_WITH_PROMPT,
      { deadline: Math.max(deadline, Date.now() + BOOT_MS) },
      'the raw REPL banner after the soft reset (boot.py runs first)',
    );
    this.heapFresh = true;
  }

  private async execNow(code: Code, options: ExecOptions): Promise<ExecResult> {
    const idleMs = options.timeoutMs ?? DEFAULT_IDLE_MS;
    const forMode = (mode: ExecMode): Uint8Array => {
      const chosen = typeof code === 'function' ? code(mode) : code;
      const bytes = typeof chosen === 'string' ? encoder.encode(chosen) : chosen;
      checkSendable(bytes);
      // Ctrl-D on an empty raw buffer would soft-reset the board.
      return bytes.length === 0 ? Uint8Array.of(0x0a) : bytes;
    };
    if (this.state !== 'raw') await this.enterNow(DEFAULT_ENTER_DEADLINE_MS, false);
    const stray = this.link.queue.takeAll();
    if (stray.length > 0) this.link.log(`ignored ${stray.length} stray bytes before the command`);

    this.state = 'unknown';
    const feeder = options.feed && new Feeder(this.link, options.feed.segments, idleMs, options.feed.onFed);
    const onStdout = feeder
      ? (bytes: Uint8Array) => {
          const kept = feeder.take(bytes);
          if (kept.length) options.onStdout?.(kept);
        }
      : options.onStdout;
    let result: ExecResult;
    let unsettled = false; // a soft reset sent after the code did not answer: where is the board?
    const run = {
      idleMs,
      onStdout,
      onSent: options.onCodeSent,
      freshHeapIfPlain: options.freshHeapIfPlain ?? false,
      thenSoftReset: options.thenFreshHeapIfPlain
        ? async () => {
            try {
              await this.readSoftResetReply(Date.now() + DEFAULT_ENTER_DEADLINE_MS);
            } catch (error) {
              if (error instanceof TransportClosedError) throw error;
              unsettled = true;
              this.link.log(`no soft reset after the command (${(error as Error).message}): entering again before the next one`);
            }
          }
        : undefined,
    };
    try {
      result = await this.execInMode(forMode, run);
      if (feeder) {
        await feeder.settle();
        result = { ...result, stdout: withoutCredits(result.stdout, feeder.credits) };
        if (!feeder.complete && result.error === '') this.link.log(`the program read ${feeder.sentBytes} of the bytes fed to it`);
      }
    } catch (error) {
      if (error instanceof BoardResetError) {
        this.state = unsettled ? 'unknown' : 'raw';
        this.heapFresh ||= !unsettled;
      }
      throw error;
    }
    this.state = unsettled ? 'unknown' : 'raw';
    return result;
  }

  private async execInMode(
    forMode: (mode: ExecMode) => Uint8Array,
    run: {
      idleMs: number;
      onStdout?: (bytes: Uint8Array) => void;
      onSent?: (sentBytes: number, totalBytes: number) => void;
      freshHeapIfPlain: boolean;
      thenSoftReset?: () => Promise<void>;
    },
  ): Promise<ExecResult> {
    if (this.rawPasteState === 'supported') {
      this.heapFresh = false;
      return execRawPaste(this.link, forMode('raw-paste'), { ...run, window: this.window, pipelined: true });
    }
    if (this.rawPasteState === 'unknown') {
      const bytes = forMode('raw-paste');
      const firstPiece = bytes.subarray(0, OPTIMISTIC_FIRST_PIECE);
      const answer = await requestRawPaste(this.link, run.idleMs, firstPiece);
      this.heapFresh = false;
      if (answer.supported) {
        this.rawPasteState = 'supported';
        this.window = answer.window;
        this.link.log(`raw-paste supported, window ${answer.window} bytes`);
        return execRawPaste(this.link, bytes, { ...run, window: answer.window, pipelined: false, alreadySent: firstPiece.length });
      }
      this.rawPasteState = 'unsupported';
      this.link.log(`${answer.reason}: using plain raw mode for this connection`);
      // The code sent with the request is in the raw REPL's buffer: Ctrl-C drops it silently.
      await this.link.write(Uint8Array.of(CTRL_C), run.idleMs);
    }
    if (run.freshHeapIfPlain && !this.heapFresh) await this.softResetNow(Date.now() + DEFAULT_ENTER_DEADLINE_MS);
    this.heapFresh = false;
    return execPlainRawResilient(this.link, forMode('plain'), { ...run, paceMs: this.plainRawPaceMs });
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queueTail.then(task, task);
    this.queueTail = result.catch(() => {});
    return result;
  }
}

function containsSequence(bytes: Uint8Array, sequence: Uint8Array): boolean {
  outer: for (let i = 0; i + sequence.length <= bytes.length; i++) {
    for (let j = 0; j < sequence.length; j++) if (bytes[i + j] !== sequence[j]) continue outer;
    return true;
  }
  return false;
}

/** Ctrl-A…Ctrl-D inside the code would be taken as raw REPL commands. */
function checkSendable(code: Uint8Array): void {
  const at = code.findIndex((byte) => byte >= 0x01 && byte <= 0x04);
  if (at >= 0) {
    throw new MpysyncError(
      'unsendable-code',
      `the code contains the control byte \\x0${code[at]} at offset ${at}, which the raw REPL takes as a command; ` +
        `write it as an escape (e.g. '\\x0${code[at]}') inside a Python string instead`,
    );
  }
}
