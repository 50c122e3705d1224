/**
 * A scripted in-memory MicroPython board behind the `Transport` interface, for unit tests.
 *
 * It follows `shared/runtime/pyexec.c` byte for byte where the host can see it: the friendly REPL
 * (echo, `>>> `), Ctrl-A/B/C/D, the raw REPL (`OK` + stdout + `\x04` + error + `\x04` + `>`), soft
 * reset (`MPY: soft reboot` + boot.py output + banner; main.py is not run), raw-paste with window
 * flow control and credits, "old firmware" that answers `\x05A\x01` with the raw banner, a board
 * that answers `R\x00`, and a program that runs until Ctrl-C. Code is "run" by a callback.
 *
 * Timing model: input is processed on the board's next tick (a `setTimeout(0)` after the write),
 * output is delivered a microtask later, split into chunks as `chunking` says. Raw-paste credit is
 * checked against the credits the board had sent when each byte ARRIVED, so a host that sends
 * ahead of its credit is caught (`creditViolations`).
 */
import type { Transport } from '../../protocol/transport.ts';
import { TransportClosedError } from '../../protocol/errors.ts';

export interface FakeProgramResult {
  stdout?: string | Uint8Array;
  /** The traceback text, e.g. from `traceback('OSError', '[Errno 2] ENOENT')`. */
  error?: string;
  /** The program raised SystemExit (v1.24+): the board soft-resets instead of printing `>`. */
  reset?: boolean;
  /** The program loops until Ctrl-C (then KeyboardInterrupt). */
  runsUntilInterrupt?: boolean;
}

export type FakeProgram = (code: string) => FakeProgramResult;

export interface FakeBoardOptions {
  run?: FakeProgram;
  /** What the firmware does with `\x05A\x01`. Default 'supported'. */
  rawPaste?: 'supported' | 'old-firmware' | 'declines';
  /** Raw-paste window (MICROPY_REPL_STDIN_BUFFER_MAX / 2). Default 128. */
  window?: number;
  /** REPL mode at connect. Default 'friendly'. */
  mode?: 'friendly' | 'raw';
  /** A program is running at connect (main.py, or code a previous client started). */
  busy?: {
    /** Ctrl-C needed to stop it (a program that catches KeyboardInterrupt needs 2). Default 1; Infinity: never. */
    interruptsNeeded?: number;
    /** Printed every `everyMs` while it runs. */
    output?: string;
    everyMs?: number;
  };
  /** Bytes the board sent before the host connected (boot messages, garbage). */
  connectNoise?: string | Uint8Array;
  /** Printed by boot.py on every soft reset. */
  bootOutput?: string;
  /** Raw-paste: the compiler fails after this many bytes (the board stops reading and sends `\x04`). */
  syntaxErrorAfterBytes?: number;
  /** Not a MicroPython board: 'echo' sends every byte back, 'silent' never answers. */
  peer?: 'micropython' | 'echo' | 'silent';
  /** How output is split into chunks: all at once per tick, one byte at a time, or at random points. */
  chunking?: 'whole' | 'bytes' | { random: () => number };
  label?: string;
  /** A lossy line: host bytes for which this returns true never reach the board (`index` counts every host byte). */
  dropHostByte?: (index: number, byte: number) => boolean;
}

/** Bytes the board sent, and how many host bytes it had processed when it sent them. */
export interface TranscriptSegment {
  afterHostBytes: number;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const RAW_BANNER = 'raw REPL; CTRL-B to exit\r\n';
const FRIENDLY_BANNER = 'MicroPython v1.27.0 on 2025-12-10; Fake board with FakeMCU\r\nType "help()" for more information.\r\n';

export function traceback(type: string, message: string): string {
  return `Traceback (most recent call last):\r\n  File "<stdin>", line 1, in <module>\r\n${type}: ${message}\r\n`;
}

type Mode = 'friendly' | 'raw' | 'paste' | 'paste-discard' | 'busy';

interface PasteSession {
  code: number[];
  windowRemain: number;
  creditsAtStart: number;
}

export class FakeBoard implements Transport {
  readonly label: string;
  bytesWritten = 0;
  readonly closed: Promise<Error | undefined>;

  /** Counters and records for assertions. */
  bytesToHost = 0;
  readonly hostWrites: Uint8Array[] = [];
  private hostBytesSeen = 0;
  readonly executed: Uint8Array[] = [];
  readonly transcript: TranscriptSegment[] = [];
  rawPasteRequests = 0;
  creditViolations = 0;
  interruptsReceived = 0;
  softResets = 0;

  private mode: Mode;
  private busyReplMode: 'friendly' | 'raw' = 'friendly';
  private interruptsLeft = 0;
  private busyTimer: ReturnType<typeof setInterval> | undefined;
  private line: number[] = [];
  private rawBuffer: number[] = [];
  private paste: PasteSession | undefined;
  private creditsSent = 0;
  /** Host bytes not processed yet, each with the credits the board had sent when it arrived. */
  private inbox: Array<{ byte: number; creditsAtArrival: number }> = [];
  private hostBytesProcessed = 0;
  private tickScheduled = false;
  private outbox: number[] = [];
  private flushScheduled = false;
  private receiver: ((bytes: Uint8Array) => void) | undefined;
  private isClosed = false;
  private resolveClosed!: (value: Error | undefined) => void;
  private readonly options: FakeBoardOptions;

  constructor(options: FakeBoardOptions = {}) {
    this.options = options;
    this.label = options.label ?? 'fake board';
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.mode = options.mode ?? 'friendly';
    if (options.connectNoise !== undefined) this.out(options.connectNoise);
    if (options.busy) this.startBusy(options.mode ?? 'friendly', options.busy.interruptsNeeded ?? 1);
  }

  get window(): number {
    return this.options.window ?? 128;
  }

  /** Everything the board sent, in order. */
  get sent(): Uint8Array {
    const out = new Uint8Array(this.bytesToHost);
    let offset = 0;
    for (const segment of this.transcript) {
      out.set(segment.bytes, offset);
      offset += segment.bytes.length;
    }
    return out;
  }

  setReceiver(receiver: (bytes: Uint8Array) => void): void {
    this.receiver = receiver;
    this.scheduleFlush();
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) throw new TransportClosedError(this.label, 'write after close');
    this.bytesWritten += bytes.length;
    this.hostWrites.push(bytes.slice());
    const peer = this.options.peer ?? 'micropython';
    if (peer === 'echo') return this.out(bytes);
    if (peer === 'silent') return;
    for (const byte of bytes) {
      if (this.options.dropHostByte?.(this.hostBytesSeen++, byte)) continue;
      // The interrupt character is caught as it arrives, even while a program runs.
      if (this.mode === 'busy' && byte === 0x03) {
        this.hostBytesProcessed++;
        this.interrupt();
      } else {
        this.inbox.push({ byte, creditsAtArrival: this.creditsSent });
      }
    }
    this.scheduleTick();
  }

  async close(): Promise<void> {
    this.end(undefined);
  }

  /** The device went away (unplugged, process killed). */
  disconnect(error = new Error('device disconnected')): void {
    this.end(error);
  }

  private end(result: Error | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.busyTimer);
    this.resolveClosed(result);
  }

  // ---- input processing -------------------------------------------------------------------

  private scheduleTick(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    setTimeout(() => {
      this.tickScheduled = false;
      this.processInbox();
    }, 0);
  }

  private processInbox(): void {
    while (this.inbox.length > 0 && this.mode !== 'busy' && !this.isClosed) {
      const { byte, creditsAtArrival } = this.inbox.shift()!;
      this.hostBytesProcessed++;
      this.process(byte, creditsAtArrival);
    }
  }

  private process(c: number, creditsAtArrival: number): void {
    switch (this.mode) {
      case 'friendly':
        return this.friendly(c);
      case 'raw':
        return this.raw(c);
      case 'paste':
        return this.pasteByte(c, creditsAtArrival);
      case 'paste-discard':
        if (c === 0x03 || c === 0x04) {
          this.out('\x04' + traceback('SyntaxError', 'invalid syntax').replace(', in <module>', '') + '\x04>');
          this.mode = 'raw';
        }
        return;
      case 'busy':
        return; // never reached: processInbox stops while busy
    }
  }

  private friendly(c: number): void {
    const empty = this.line.length === 0;
    if (c === 0x01 && empty) {
      this.out('\r\n' + RAW_BANNER + '>');
      this.mode = 'raw';
      this.rawBuffer = [];
    } else if (c === 0x02 && empty) {
      this.out('\r\n' + FRIENDLY_BANNER + '>>> ');
    } else if (c === 0x03) {
      this.line = [];
      this.out('\r\n>>> ');
    } else if (c === 0x04 && empty) {
      this.out('\r\n');
      this.softReset('friendly');
    } else if (c === 0x0d) {
      this.out('\r\n');
      const code = this.line;
      this.line = [];
      if (code.length > 0) {
        const result = this.runProgram(Uint8Array.from(code));
        this.out(result.stdout ?? '');
        this.out(result.error ?? '');
      }
      this.out('>>> ');
    } else if (c >= 0x20 && c !== 0x7f) {
      this.line.push(c);
      this.out(Uint8Array.of(c));
    }
  }

  private raw(c: number): void {
    if (c === 0x01) {
      const buffer = this.rawBuffer;
      this.rawBuffer = [];
      if (buffer.length === 2 && buffer[0] === 0x05) return this.rawPasteCommand(buffer[1]!);
      this.out(RAW_BANNER + '>');
    } else if (c === 0x02) {
      this.rawBuffer = [];
      this.mode = 'friendly';
      this.out('\r\n' + FRIENDLY_BANNER + '>>> ');
    } else if (c === 0x03) {
      this.rawBuffer = [];
    } else if (c === 0x04) {
      this.out('OK');
      const code = Uint8Array.from(this.rawBuffer);
      this.rawBuffer = [];
      if (code.length === 0) {
        this.out('\r\n');
        this.softReset('raw');
      } else {
        this.execute(code);
      }
    } else {
      this.rawBuffer.push(c);
    }
  }

  private rawPasteCommand(command: number): void {
    this.rawPasteRequests++;
    const support = this.options.rawPaste ?? 'supported';
    if (support === 'old-firmware') return this.out(RAW_BANNER + '>');
    if (support === 'declines' || command !== 0x41) return this.out('R\x00>');
    const window = this.window;
    this.out(Uint8Array.of(0x52, 0x01, window & 0xff, window >> 8, 0x01));
    this.mode = 'paste';
    this.paste = { code: [], windowRemain: window, creditsAtStart: this.creditsSent };
  }

  private pasteByte(c: number, creditsAtArrival: number): void {
    const paste = this.paste!;
    if (c === 0x03 || c === 0x04) {
      this.out('\x04'); // end of input acknowledged
      this.mode = 'raw';
      if (c === 0x03) return this.out('\x04' + traceback('KeyboardInterrupt', '') + '\x04>');
      return this.execute(Uint8Array.from(paste.code));
    }
    const granted = 2 * this.window + this.window * Math.max(0, creditsAtArrival - paste.creditsAtStart);
    if (paste.code.length + 1 > granted) this.creditViolations++;
    paste.code.push(c);
    if (--paste.windowRemain === 0) {
      this.out('\x01');
      this.creditsSent++;
      paste.windowRemain = this.window;
    }
    const failAt = this.options.syntaxErrorAfterBytes;
    if (failAt !== undefined && paste.code.length >= failAt) {
      this.out('\x04'); // the reader's close(): tell the host to stop, then discard until Ctrl-C/D
      this.mode = 'paste-discard';
    }
  }

  /** parse_compile_execute with EXEC_FLAG_PRINT_EOF, then the raw REPL's `>` (or a reset). */
  private execute(code: Uint8Array): void {
    const result = this.runProgram(code);
    if (result.runsUntilInterrupt) return this.startBusy('raw', 1);
    this.out(result.stdout ?? '');
    this.out('\x04');
    if (result.reset) {
      this.out('\x04');
      return this.softReset('raw');
    }
    this.out((result.error ?? '') + '\x04>');
    this.mode = 'raw';
  }

  private softReset(mode: 'friendly' | 'raw'): void {
    this.softResets++;
    this.out('MPY: soft reboot\r\n' + (this.options.bootOutput ?? ''));
    this.mode = mode;
    this.rawBuffer = [];
    this.line = [];
    this.out(mode === 'raw' ? RAW_BANNER + '>' : FRIENDLY_BANNER + '>>> ');
  }

  private runProgram(code: Uint8Array): FakeProgramResult {
    this.executed.push(code);
    // An empty program (a host ending raw-paste at once) compiles to nothing and prints nothing.
    if (code.length === 0) return {};
    return this.options.run?.(decoder.decode(code)) ?? {};
  }

  // ---- a running program ------------------------------------------------------------------

  private startBusy(replMode: 'friendly' | 'raw', interruptsNeeded: number): void {
    this.mode = 'busy';
    this.busyReplMode = replMode;
    this.interruptsLeft = interruptsNeeded;
    const busy = this.options.busy;
    if (busy?.output) {
      this.busyTimer = setInterval(() => this.out(busy.output!), busy.everyMs ?? 20);
    }
  }

  private interrupt(): void {
    this.interruptsReceived++;
    if (--this.interruptsLeft > 0) {
      this.out('caught KeyboardInterrupt, carrying on\r\n');
      return;
    }
    clearInterval(this.busyTimer);
    this.busyTimer = undefined;
    const trace = traceback('KeyboardInterrupt', '');
    if (this.busyReplMode === 'raw') {
      this.out('\x04' + trace + '\x04>');
      this.mode = 'raw';
    } else {
      this.out(trace + FRIENDLY_BANNER + '>>> ');
      this.mode = 'friendly';
    }
    this.scheduleTick(); // bytes that waited in the input buffer
  }

  // ---- output -----------------------------------------------------------------------------

  private out(text: string | Uint8Array): void {
    const bytes = typeof text === 'string' ? encoder.encode(text) : text;
    if (bytes.length === 0 || this.isClosed) return;
    this.bytesToHost += bytes.length;
    this.transcript.push({ afterHostBytes: this.hostBytesProcessed, bytes: bytes.slice() });
    for (const byte of bytes) this.outbox.push(byte);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.receiver || this.outbox.length === 0) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      const receiver = this.receiver;
      if (!receiver || this.isClosed) return;
      const bytes = Uint8Array.from(this.outbox);
      this.outbox = [];
      for (const chunk of splitChunks(bytes, this.options.chunking ?? 'whole')) receiver(chunk);
    });
  }
}

export function splitChunks(bytes: Uint8Array, chunking: FakeBoardOptions['chunking']): Uint8Array[] {
  if (chunking === undefined || chunking === 'whole') return [bytes];
  const chunks: Uint8Array[] = [];
  if (chunking === 'bytes') {
    for (let i = 0; i < bytes.length; i++) chunks.push(bytes.subarray(i, i + 1));
    return chunks;
  }
  let offset = 0;
  while (offset < bytes.length) {
    const size = 1 + Math.floor(chunking.random() * 16);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}
