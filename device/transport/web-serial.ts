/**
 * Transport over the WebSerial API (Chrome/Edge desktop, Chrome 126+ on Android) or anything
 * shaped like it — the WebUSB polyfill's ports are. Browser code: no Node APIs.
 */
import { MpysyncError, TransportClosedError } from '../../protocol/errors.ts';
import type { Transport } from '../../protocol/transport.ts';
import { LinkState, withDeadline } from './link-state.ts';

/** The slice of WebSerial's SerialPort that mpysync uses (typed here: the DOM lib lacks it). */
export interface SerialPortLike {
  open(options: { baudRate: number; bufferSize?: number }): Promise<void>;
  close(): Promise<void>;
  setSignals(signals: { dataTerminalReady?: boolean; requestToSend?: boolean; break?: boolean }): Promise<void>;
  getInfo(): { usbVendorId?: number; usbProductId?: number };
  readonly readable: ReadableStream<Uint8Array> | null;
  readonly writable: WritableStream<Uint8Array> | null;
  /** Real WebSerial ports fire `disconnect`; the polyfill's ports have no events. */
  addEventListener?(type: 'disconnect', listener: () => void): void;
  removeEventListener?(type: 'disconnect', listener: () => void): void;
}

export interface WebSerialOptions {
  baudRate?: number;
  /** Deadline for open + setSignals. Default 5000 ms. */
  openTimeoutMs?: number;
  /** Overrides the label built from the port's USB IDs. */
  label?: string;
}

const DEFAULT_BAUD_RATE = 115200;
const DEFAULT_OPEN_TIMEOUT_MS = 5000;
const CLOSE_STEP_TIMEOUT_MS = 1000;
const RECOVERABLE_READ_ERRORS = new Set(['BufferOverrunError', 'BreakError', 'FramingError', 'ParityError']);

export function webSerialLabel(port: SerialPortLike): string {
  const { usbVendorId, usbProductId } = port.getInfo();
  if (usbVendorId === undefined) return 'WebSerial port';
  const hex = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');
  return `WebSerial ${hex(usbVendorId)}:${hex(usbProductId)}`;
}

export async function webSerialTransport(port: SerialPortLike, options: WebSerialOptions = {}): Promise<Transport> {
  const baudRate = options.baudRate ?? DEFAULT_BAUD_RATE;
  const label = options.label ?? webSerialLabel(port);
  if (baudRate === 1200) {
    throw new MpysyncError(
      'port-baud-1200',
      `refusing to open ${label} at 1200 baud: closing a port at 1200 baud resets many boards into their bootloader. Use 115200.`,
    );
  }
  const timeoutMs = options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
  try {
    await withDeadline(
      (async () => {
        await port.open({ baudRate });
        // TinyUSB boards only send while DTR is asserted (§1.8); what open() does to it is unspecified.
        await port.setSignals({ dataTerminalReady: true, requestToSend: true });
      })(),
      timeoutMs,
      () =>
        new MpysyncError('port-open-timeout', `opening ${label} did not finish within ${timeoutMs / 1000} s. Unplug and replug the board, then pick it again.`),
    );
  } catch (error) {
    if (error instanceof MpysyncError) {
      await port.close().catch(() => undefined);
      throw error;
    }
    throw describeWebOpenFailure(label, error);
  }
  if (!port.readable || !port.writable) {
    await port.close().catch(() => undefined);
    throw new MpysyncError('port-open-failed', `${label} opened without readable/writable streams; unplug it and try again`);
  }
  return new WebSerialTransport(label, port);
}

function describeWebOpenFailure(label: string, error: unknown): MpysyncError {
  const name = (error as Error)?.name;
  const text = (error as Error)?.message ?? String(error);
  if (name === 'InvalidStateError') {
    return new MpysyncError('port-busy', `${label} is already open in this page — close the other connection first`, { cause: error });
  }
  if (name === 'NetworkError') {
    return new MpysyncError(
      'port-busy',
      `the browser could not open ${label}: another program may hold it (Thonny, a serial monitor, another tab, mpysync?) — close it and try again (${text})`,
      { cause: error },
    );
  }
  if (name === 'SecurityError') {
    return new MpysyncError('port-permission', `the browser refused access to ${label}: ${text}`, { cause: error });
  }
  return new MpysyncError('port-open-failed', `could not open ${label}: ${text}`, { cause: error });
}

class WebSerialTransport implements Transport {
  private readonly state = new LinkState();
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private readonly readLoopDone: Promise<void>;
  private closing: Promise<void> | undefined;
  private readonly onDisconnect = () => this.deviceLost(new Error('the browser reported the device disconnected'));

  constructor(
    readonly label: string,
    private readonly port: SerialPortLike,
  ) {
    this.writer = port.writable!.getWriter();
    port.addEventListener?.('disconnect', this.onDisconnect);
    this.readLoopDone = this.readLoop();
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

  async write(bytes: Uint8Array): Promise<void> {
    if (this.state.isEnded || this.closing) throw this.closedError();
    try {
      // A copy: the stream may hold the chunk after we return, and the caller may reuse its buffer.
      await this.writer.write(bytes.slice());
    } catch (error) {
      this.deviceLost(error);
      throw this.closedError(error);
    }
    this.state.bytesWritten += bytes.length;
  }

  private closedError(cause?: unknown): TransportClosedError {
    return this.state.closedError(this.label, cause);
  }

  private async readLoop(): Promise<void> {
    while (this.port.readable && !this.closing) {
      const reader = this.port.readable.getReader();
      this.reader = reader;
      let failure: unknown;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          if (value) this.state.deliver(value);
        }
      } catch (error) {
        failure = error;
      }
      reader.releaseLock();
      this.reader = undefined;
      if (this.closing) return;
      if (failure === undefined) {
        this.deviceLost(new Error('the port stopped delivering data'));
        return;
      }
      // After these WebSerial hands out a fresh `readable`: the link is still up.
      if (!RECOVERABLE_READ_ERRORS.has((failure as Error)?.name)) {
        this.deviceLost(failure);
        return;
      }
    }
    if (!this.closing) this.deviceLost(new Error('the port has no readable stream any more'));
  }

  private deviceLost(error: unknown): void {
    if (this.state.isEnded || this.closing) return;
    const detail = `the device went away (unplugged or reset): ${(error as Error)?.message ?? String(error)}`;
    this.state.end(new TransportClosedError(this.label, detail, { cause: error }));
    this.closing = this.release({ flushWrites: false }).catch(() => undefined);
  }

  close(): Promise<void> {
    this.closing ??= this.closeInOrder();
    return this.closing;
  }

  /** RTS first, then DTR (dropping DTR first resets ESP boards on some hosts), then the streams. */
  private async closeInOrder(): Promise<void> {
    await this.step(this.port.setSignals({ requestToSend: false }));
    await this.step(this.port.setSignals({ dataTerminalReady: false }));
    await this.release({ flushWrites: true });
    this.state.end(undefined);
  }

  /** close() on a SerialPort fails while its streams are locked, so unlock them first. */
  private async release({ flushWrites }: { flushWrites: boolean }): Promise<void> {
    this.port.removeEventListener?.('disconnect', this.onDisconnect);
    await this.step(this.reader?.cancel() ?? Promise.resolve());
    await this.step(this.readLoopDone);
    await this.step(flushWrites ? this.writer.close().catch(() => this.writer.abort()) : this.writer.abort());
    try {
      this.writer.releaseLock();
    } catch {
      // Already released.
    }
    await this.step(this.port.close());
  }

  private step(work: Promise<unknown>): Promise<unknown> {
    return withDeadline(work, CLOSE_STEP_TIMEOUT_MS, () => new Error('timed out')).catch(() => undefined);
  }
}
