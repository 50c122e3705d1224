/**
 * A virtual board running in a worker (board-host.ts), seen from its owner: bytes in, bytes out,
 * as WasmBoard, but nothing the board runs can block the owner. The WebAssembly port runs Python
 * synchronously, so Ctrl-C cannot reach a program that never yields (`while True: pass`): when
 * the worker does not answer within STUCK_MS of a Ctrl-C, it is ended and a new board starts
 * with the same files (a hard reset, as the reset button of a real board). No Node or DOM APIs:
 * the Node thread and the Web Worker are handed in as `spawn`.
 */
import type { BoardFiles } from './board-fs.ts';
import type { FromBoard, ToBoard } from './board-messages.ts';
import type { WasmBoardOptions } from './wasm-board.ts';

/** A worker as both Node's and the browser's can be used. */
export interface BoardWorker {
  post(message: ToBoard, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: FromBoard) => void): void;
  terminate(): void;
}

/** How long a Ctrl-C may go unanswered before the board is reset (a running slice answers in ms). */
export const STUCK_MS = 1000;

const CTRL_B = 0x02;
const CTRL_C = 0x03;

export class ThreadBoard {
  private worker!: BoardWorker;
  private ready = false;
  private queued: Uint8Array[] = [];
  private unprocessed = 0;
  private idleWaiters: Array<() => void> = [];
  private pings = 0;
  private answered = 0;
  private readonly stuckTimers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;
  private readonly files: BoardFiles;

  private outputListener: (bytes: Uint8Array) => void = () => {};
  private filesListener: (files: BoardFiles) => void = () => {};
  private errorListener: (error: Error) => void = () => {};
  private resetListener: () => void = () => {};

  /** Hard resets so far (a stuck program ended). */
  resets = 0;

  constructor(
    private readonly spawn: () => BoardWorker,
    private readonly options: Omit<WasmBoardOptions, 'yieldToHost'>,
    files: BoardFiles = { directories: [], files: new Map() },
  ) {
    this.files = { directories: [...files.directories], files: new Map(files.files) };
    this.started = new Promise((resolve, reject) => (this.settleStart = { resolve, reject }));
    this.started.catch(() => {}); // also told through onError
    this.boot([]);
  }

  /** The first board's start: loaded, its files written (or why not). */
  private readonly started: Promise<void>;
  private settleStart!: { resolve: () => void; reject: (error: Error) => void };

  /** Resolves when the board is up (loaded, its files written). */
  whenReady(): Promise<void> {
    return this.started;
  }

  onOutput(listener: (bytes: Uint8Array) => void): void {
    this.outputListener = listener;
  }

  /** After each command that changed the board's files: all of them, as the owner now holds them. */
  onFilesChanged(listener: (files: BoardFiles) => void): void {
    this.filesListener = listener;
  }

  /** The runtime itself failed (not a Python error); the board is unusable. */
  onError(listener: (error: Error) => void): void {
    this.errorListener = listener;
  }

  /** The board was stuck and was reset. */
  onHardReset(listener: () => void): void {
    this.resetListener = listener;
  }

  /** Bytes sent and not yet processed by the board. */
  get pendingBytes(): number {
    return this.unprocessed;
  }

  /** Resolves once everything sent so far has been processed. */
  whenIdle(): Promise<void> {
    if (this.unprocessed === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  input(bytes: Uint8Array): void {
    if (this.stopped) return;
    this.unprocessed += bytes.length;
    if (this.ready) this.worker.post({ type: 'input', bytes });
    else this.queued.push(bytes);
    if (bytes.includes(CTRL_C)) this.watchForStuck();
  }

  /** Ends the board now and starts it again with its files, as a reset button does. */
  hardReset(): void {
    if (this.stopped) return;
    this.worker.terminate();
    this.resets++;
    this.unprocessed = 0;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    // As a board's boot: its banner, at the friendly prompt (Ctrl-B there reprints it).
    this.boot([Uint8Array.of(CTRL_B)]);
    this.resetListener();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.stuckTimers) clearTimeout(timer);
    this.worker.terminate();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private boot(first: Uint8Array[]): void {
    this.ready = false;
    this.queued = [...first, ...this.queued];
    this.worker = this.spawn();
    const worker = this.worker;
    worker.onMessage((message) => {
      if (worker === this.worker) this.receive(message);
    });
    worker.post({ type: 'start', options: this.options, directories: this.files.directories, files: [...this.files.files] });
  }

  private receive(message: FromBoard): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const bytes of this.queued.splice(0)) this.worker.post({ type: 'input', bytes });
        this.settleStart.resolve();
        return;
      case 'output':
        return this.outputListener(message.bytes);
      case 'idle':
        this.unprocessed = 0;
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        return;
      case 'files': {
        const { directories, changed, removed } = message.changes;
        this.files.directories = directories;
        for (const path of removed) this.files.files.delete(path);
        for (const [path, bytes] of changed) this.files.files.set(path, bytes);
        // A copy: the listener may keep it (PersistMirror compares the next one with it).
        return this.filesListener({ directories: [...directories], files: new Map(this.files.files) });
      }
      case 'pong':
        this.answered = Math.max(this.answered, message.id);
        return;
      case 'failed': {
        const error = new Error(message.message);
        this.settleStart.reject(error);
        return this.errorListener(error);
      }
    }
  }

  /** A Ctrl-C was sent: if the board does not answer soon, what it runs cannot be interrupted. */
  private watchForStuck(): void {
    if (!this.ready) return;
    const id = ++this.pings;
    const worker = this.worker;
    worker.post({ type: 'ping', id });
    const timer = setTimeout(() => {
      this.stuckTimers.delete(timer);
      // Only this worker's silence counts: a reset since then started a new one.
      if (this.answered < id && worker === this.worker && !this.stopped) this.hardReset();
    }, STUCK_MS);
    this.stuckTimers.add(timer);
  }
}
