/**
 * Transport over a local serial port with npm `serialport` 13 (Node only). Talks to the
 * promise-based binding directly (the `@serialport/bindings-interface` contract) rather than the
 * stream, so reads, writes and close map one-to-one onto the Transport semantics.
 */
import { SerialPort } from 'serialport';
import { MpysyncError, TransportClosedError } from '../../protocol/errors.ts';
import type { Transport } from '../../protocol/transport.ts';
import { LinkState, withDeadline } from './link-state.ts';
import { describePortOpenFailure, PortOpenError } from './port-open-errors.ts';

export { PortOpenError } from './port-open-errors.ts';

export interface NodeSerialOptions {
  baudRate?: number;
  /** Deadline for opening the port and setting its signals. Default 5000 ms. */
  openTimeoutMs?: number;
}

const DEFAULT_BAUD_RATE = 115200;
const DEFAULT_OPEN_TIMEOUT_MS = 5000;
/** How long close() waits for each step (signals, the OS close) before giving up on it. */
const CLOSE_STEP_TIMEOUT_MS = 1000;
const READ_CHUNK = 4096;

/** The part of `@serialport/bindings-interface`'s BindingPortInterface this transport uses. */
interface BindingPort {
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number }>;
  write(buffer: Buffer): Promise<void>;
  set(options: { dtr: boolean; rts: boolean; brk: boolean; cts: boolean; dsr: boolean }): Promise<void>;
  get(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * How often an open port is asked whether it is still there. A pty whose far end closed is hung
 * up: its reads return 0 bytes, which the binding reads again for ever, so the read never fails;
 * an ioctl on it fails with EIO (measured: `Input/output error, cannot get`).
 */
const HANGUP_CHECK_MS = 1_000;
const HUNG_UP = /Input\/output error|EIO|ENXIO|No such device/i;

type BindingError = Error & { canceled?: boolean };

export async function openNodeSerial(path: string, options: NodeSerialOptions = {}): Promise<Transport> {
  const baudRate = options.baudRate ?? DEFAULT_BAUD_RATE;
  if (baudRate === 1200) {
    throw new PortOpenError(
      'port-baud-1200',
      path,
      `refusing to open ${path} at 1200 baud: closing a port at 1200 baud resets samd, mimxrt and many Arduino boards into their bootloader. Use 115200 (the default).`,
    );
  }
  const timeoutMs = options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;

  const opening = (SerialPort.binding.open({ path, baudRate, lock: true, hupcl: true }) as Promise<unknown>).then((port) => port as BindingPort);
  let port: BindingPort;
  try {
    port = await withDeadline(
      opening.then(async (opened) => {
        await assertSignals(opened, path, { dtr: true, rts: true });
        return opened;
      }),
      timeoutMs,
      () =>
        new PortOpenError(
          'port-open-timeout',
          path,
          `opening ${path} did not finish within ${timeoutMs / 1000} s. Unplug and replug the board, and check that no other program is stuck on the port.`,
        ),
    );
  } catch (error) {
    // A late open would otherwise leave the port held (and locked) by this process.
    opening
      .then(
        (late) => late.close(),
        () => undefined,
      )
      .catch(() => undefined);
    if (error instanceof MpysyncError) throw error;
    throw await describePortOpenFailure(path, error);
  }
  return new NodeSerialTransport(path, port);
}

/** A pty or a plain UART without modem lines refuses the ioctl; that is not an error here. */
async function assertSignals(port: BindingPort, path: string, signals: { dtr: boolean; rts: boolean }): Promise<void> {
  try {
    await port.set({ ...signals, brk: false, cts: false, dsr: false });
  } catch (error) {
    if (/Inappropriate ioctl|ENOTTY|Invalid argument|EINVAL/i.test(String((error as Error)?.message))) return;
    await port.close().catch(() => undefined);
    throw new PortOpenError('port-open-failed', path, `could not set DTR/RTS on ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

class NodeSerialTransport implements Transport {
  readonly label: string;
  private readonly state = new LinkState();
  private writeQueue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private readonly hangupCheck: ReturnType<typeof setInterval>;

  constructor(
    path: string,
    private readonly port: BindingPort,
  ) {
    this.label = path;
    void this.readLoop();
    this.hangupCheck = setInterval(() => {
      // Before a hang-up a pty answers "Inappropriate ioctl"; only a lost device answers EIO.
      this.port.get().catch((error: unknown) => {
        if (HUNG_UP.test(String((error as Error)?.message))) this.deviceLost(error);
      });
    }, HANGUP_CHECK_MS);
    this.hangupCheck.unref();
  }

  get bytesWritten(): number {
    return this.state.bytesWritten;
  }

  get closed(): Promise<Error | undefined> {
    return this.state.closed;
  }

  setReceiver(receiver: (bytes: Uint8Array) => void): void {
    this.state.setReceiver(receiver);
  }

  write(bytes: Uint8Array): Promise<void> {
    // The binding allows one write at a time; queue them so chunks never interleave.
    const result = this.writeQueue.then(() => this.writeNow(bytes));
    this.writeQueue = result.catch(() => undefined);
    return result;
  }

  private async writeNow(bytes: Uint8Array): Promise<void> {
    if (this.state.isEnded || this.closing) throw this.closedError();
    try {
      await this.port.write(Buffer.from(bytes));
    } catch (error) {
      if (!(error as BindingError).canceled) this.deviceLost(error);
      throw this.closedError(error);
    }
    this.state.bytesWritten += bytes.length;
  }

  private closedError(cause?: unknown): TransportClosedError {
    return this.state.closedError(this.label, cause);
  }

  private async readLoop(): Promise<void> {
    const buffer = Buffer.alloc(READ_CHUNK);
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.port.read(buffer, 0, READ_CHUNK));
      } catch (error) {
        if (!(error as BindingError).canceled && !this.closing) this.deviceLost(error);
        return;
      }
      this.state.deliver(new Uint8Array(buffer.subarray(0, bytesRead)));
    }
  }

  private deviceLost(error: unknown): void {
    if (this.state.isEnded || this.closing) return;
    clearInterval(this.hangupCheck);
    const detail = `the device went away (unplugged, reset, or the program behind it ended): ${(error as Error)?.message ?? String(error)}`;
    this.state.end(new TransportClosedError(this.label, detail, { cause: error }));
    // Release the fd (and its lock); pending reads and writes are cancelled with it.
    this.closing = this.port.close().catch(() => undefined);
  }

  close(): Promise<void> {
    clearInterval(this.hangupCheck);
    this.closing ??= this.closeInOrder();
    return this.closing;
  }

  /** RTS first, then DTR, then the port: dropping DTR first resets ESP boards on some hosts (§1.8). */
  private async closeInOrder(): Promise<void> {
    const step = (work: Promise<void>) => withDeadline(work, CLOSE_STEP_TIMEOUT_MS, () => new Error('timed out')).catch(() => undefined);
    await step(this.port.set({ dtr: true, rts: false, brk: false, cts: false, dsr: false }));
    await step(this.port.set({ dtr: false, rts: false, brk: false, cts: false, dsr: false }));
    await step(this.port.close());
    this.state.end(undefined);
  }
}
