/**
 * Serves a WasmBoard on a real pseudo-terminal: Debian `socat` owns the pty and relays its bytes
 * through its stdin/stdout to this process, so any serial client (serialport, screen, mpremote)
 * opens `/dev/pts/N` exactly like a USB board's /dev/ttyACM0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { MpysyncError } from '../../protocol/errors.ts';
import { PacedPipe } from './link-pacer.ts';
import { PersistMirror } from './persist.ts';
import { nodeThreadBoard } from './node-thread-board.ts';
import { newBoardId } from './board-id.ts';

const SOCAT_READY_DEADLINE_MS = 5_000;
const SOCAT_EXIT_DEADLINE_MS = 2_000;
/** Past this many unprocessed bytes, stop reading the pty so the host's writes block, as on a UART. */
const INPUT_HIGH_WATER = 64 * 1024;
/**
 * With a baud rate: past this many bytes queued on the paced line towards the board, stop reading
 * the pty (about what a USB-serial driver buffers before the host's writes block).
 */
const PACED_INPUT_HIGH_WATER = 4096;

export interface PtyBoardOptions {
  /** Load this folder into the board at start and mirror the board back into it after each command. */
  persist?: string;
  /** false: the board declines raw-paste, as firmware before v1.14. */
  rawPaste?: boolean;
  /**
   * Model a board behind a USB-serial bridge at this baud rate (8N1): bytes cross in each direction
   * no faster than baud / 10 per second. Default: no pacing (the link runs at memory speed).
   */
  baud?: number;
  /** A heap of this many bytes that cannot grow (WasmBoardOptions.heapBytes). */
  heapBytes?: number;
  /** With heapBytes: the heap starts in pieces of this size. */
  fragmentBytes?: number;
  /** The board's id (16 hex digits); default: the --persist folder's, else a new one. */
  uniqueId?: string;
  /** Told when the board was reset because a program could not be interrupted. */
  onHardReset?: () => void;
}

export interface PtyBoard {
  /** The pty path to open, e.g. /dev/pts/3. */
  readonly port: string;
  /** What the probe reads as its `machine.unique_id()`. */
  readonly id: string;
  /** Resolves with the reason when the board stops serving on its own (socat died, runtime failed). */
  readonly ended: Promise<string>;
  /** Kills socat and waits for it; the board stops serving. Harmless to call twice. */
  stop(): Promise<void>;
}

export class SocatMissingError extends MpysyncError {
  override name = 'SocatMissingError';
  readonly exitCode = 2;
  constructor() {
    super(
      'socat-missing',
      'the virtual board needs socat to create its serial port, and socat is not installed. ' +
        'Install it with `sudo apt-get install socat` (or run scripts/setup-debian.sh).',
    );
  }
}

export async function startPtyBoard(options: PtyBoardOptions = {}): Promise<PtyBoard> {
  const persisted = options.persist !== undefined ? PersistMirror.open(options.persist) : null;
  // MicroPython runs in a worker thread: a program that never ends blocks that thread, not this
  // one, which keeps relaying bytes, answers signals, and resets a stuck board (thread-board.ts).
  const uniqueId = options.uniqueId ?? persisted?.mirror.boardId(newBoardId) ?? newBoardId();
  const board = nodeThreadBoard(
    { rawPaste: options.rawPaste ?? true, heapBytes: options.heapBytes, fragmentBytes: options.fragmentBytes, uniqueId },
    persisted?.content,
  );
  await board.whenReady();
  if (persisted) board.onFilesChanged((files) => persisted.mirror.update(files));
  board.onHardReset(() => options.onHardReset?.());

  const socat = spawn('socat', ['-d', '-d', 'PTY,raw,echo=0', 'STDIO'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const port = await socatPtyPath(socat).catch((error: unknown) => {
    board.stop(); // the worker thread would keep this process alive
    throw error;
  });

  let stopping = false;
  let endWith: (reason: string) => void = () => {};
  const ended = new Promise<string>((resolve) => (endWith = resolve));
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  socat.once('exit', (code, signal) => {
    if (!stopping) endWith(`socat (pid ${socat.pid}) ended (${signal ?? `exit code ${code}`}); the port ${port} is gone`);
  });
  socat.on('error', () => {}); // e.g. a failed kill; socat's end is reported by its exit
  socat.stdin!.on('error', () => {});
  const toBoardDirect = (chunk: Uint8Array) => {
    board.input(chunk);
    if (board.pendingBytes > INPUT_HIGH_WATER && !socat.stdout!.isPaused()) {
      socat.stdout!.pause();
      void board.whenIdle().then(() => socat.stdout!.resume());
    }
  };
  const toHostDirect = (bytes: Uint8Array) => socat.stdin!.write(bytes);
  const paced = options.baud !== undefined ? pacedLine(options.baud, toBoardDirect, toHostDirect, socat) : undefined;
  socat.stdout!.on('data', paced?.toBoard ?? toBoardDirect);
  board.onOutput(paced?.toHost ?? toHostDirect);
  board.onError((error) => {
    endWith(`the MicroPython WebAssembly runtime failed: ${(error as Error)?.message ?? String(error)}`);
  });

  const stop = async () => {
    stopping = true;
    paced?.close();
    board.stop();
    if (socat.exitCode === null && socat.signalCode === null) {
      socat.kill('SIGTERM');
      const timer = setTimeout(() => socat.kill('SIGKILL'), SOCAT_EXIT_DEADLINE_MS);
      await exited;
      clearTimeout(timer);
    }
  };
  return { port, id: uniqueId, ended, stop };
}

/**
 * Both directions of a serial line at `baud`: host bytes reach the board, and board bytes reach the
 * host, at baud / 10 bytes per second each way, in order and unchanged. Host bytes that the line is
 * behind on stay queued; past PACED_INPUT_HIGH_WATER the pty is no longer read (until half of that
 * is left), so the host's writes block instead of anything being lost.
 */
function pacedLine(baud: number, toBoard: (bytes: Uint8Array) => void, toHost: (bytes: Uint8Array) => void, socat: ChildProcess) {
  const inbound = new PacedPipe(baud, toBoard);
  const outbound = new PacedPipe(baud, toHost);
  inbound.onDelivered(() => {
    if (inbound.queued <= PACED_INPUT_HIGH_WATER / 2 && socat.stdout!.isPaused()) socat.stdout!.resume();
  });
  return {
    toBoard: (chunk: Uint8Array) => {
      inbound.write(chunk);
      if (inbound.queued > PACED_INPUT_HIGH_WATER && !socat.stdout!.isPaused()) socat.stdout!.pause();
    },
    toHost: (bytes: Uint8Array) => outbound.write(bytes),
    close: () => {
      inbound.close();
      outbound.close();
    },
  };
}

/** Waits for socat to report its pty and start relaying; rejects with what socat said otherwise. */
function socatPtyPath(socat: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let log = '';
    const settle = (error: Error | undefined, port?: string) => {
      clearTimeout(timer);
      socat.off('error', onError);
      socat.off('exit', onExit);
      socat.stderr!.off('data', onLog);
      socat.stderr!.resume(); // keep draining what socat logs later
      if (error) {
        socat.kill('SIGKILL');
        reject(error);
      } else resolve(port!);
    };
    const onError = (error: NodeJS.ErrnoException) =>
      settle(error.code === 'ENOENT' ? new SocatMissingError() : new MpysyncError('socat-failed', `cannot start socat: ${error.message}`));
    const onExit = (code: number | null) =>
      settle(new MpysyncError('socat-failed', `socat exited (code ${code}) before opening a pty; it said: ${log.trim()}`));
    const onLog = (chunk: Buffer) => {
      log += chunk.toString();
      const port = /PTY is (\S+)/.exec(log)?.[1];
      if (port && /starting data transfer loop/.test(log)) settle(undefined, port);
    };
    const timer = setTimeout(
      () =>
        settle(new MpysyncError('socat-timeout', `socat did not open a pty within ${SOCAT_READY_DEADLINE_MS / 1000} s; it said: ${log.trim() || '(nothing)'}`)),
      SOCAT_READY_DEADLINE_MS,
    );
    socat.on('error', onError);
    socat.on('exit', onExit);
    socat.stderr!.on('data', onLog);
  });
}
