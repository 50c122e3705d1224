import { describe, expect, it } from 'vitest';
import { MpysyncError, TransportClosedError } from '../../protocol/errors.ts';
import { pickSerialBackend, requestSerialPort } from '../../device/transport/request-port.ts';
import { webSerialTransport, type SerialPortLike } from '../../device/transport/web-serial.ts';

type Signals = Parameters<SerialPortLike['setSignals']>[0];

/** A WebSerial port made of real web streams: `feed` plays the board, `written` is what it got. */
class FakeSerialPort implements SerialPortLike {
  readonly calls: string[] = [];
  readonly signals: Signals[] = [];
  readonly written: number[] = [];
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private disconnectListeners: Array<() => void> = [];
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  openError: Error | undefined;
  openHangs = false;

  constructor(private readonly info: { usbVendorId?: number; usbProductId?: number } = { usbVendorId: 0x2e8a, usbProductId: 5 }) {}

  async open(options: { baudRate: number }): Promise<void> {
    this.calls.push(`open ${options.baudRate}`);
    if (this.openHangs) await new Promise(() => undefined);
    if (this.openError) throw this.openError;
    this.readable = new ReadableStream<Uint8Array>({ start: (c) => void (this.controller = c) });
    this.writable = new WritableStream<Uint8Array>({ write: (chunk) => void this.written.push(...chunk) });
  }
  async close(): Promise<void> {
    if (this.readable?.locked || this.writable?.locked) throw new TypeError('close() with locked streams');
    this.calls.push('close');
    this.readable = null;
    this.writable = null;
  }
  async setSignals(signals: Signals): Promise<void> {
    this.calls.push(`signals ${JSON.stringify(signals)}`);
    this.signals.push(signals);
  }
  getInfo() {
    return this.info;
  }
  addEventListener(_type: 'disconnect', listener: () => void) {
    this.disconnectListeners.push(listener);
  }
  removeEventListener(_type: 'disconnect', listener: () => void) {
    this.disconnectListeners = this.disconnectListeners.filter((l) => l !== listener);
  }
  feed(text: string) {
    this.controller.enqueue(new TextEncoder().encode(text));
  }
  failRead(error: Error) {
    this.controller.error(error);
  }
  unplug() {
    this.disconnectListeners.forEach((l) => l());
  }
}

function named(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

async function received(transport: { setReceiver(r: (b: Uint8Array) => void): void }, n: number): Promise<string> {
  let text = '';
  transport.setReceiver((bytes) => (text += new TextDecoder().decode(bytes)));
  for (let i = 0; i < 100 && text.length < n; i++) await new Promise((r) => setTimeout(r, 5));
  return text;
}

describe('webSerialTransport', () => {
  it('opens at 115200, asserts DTR and RTS, and carries bytes both ways', async () => {
    const port = new FakeSerialPort();
    const transport = await webSerialTransport(port);
    expect(port.calls.slice(0, 2)).toEqual(['open 115200', 'signals {"dataTerminalReady":true,"requestToSend":true}']);
    expect(transport.label).toBe('WebSerial 2e8a:0005');
    port.feed('raw REPL; CTRL-B to exit\r\n');
    port.feed('>');
    expect(await received(transport, 27)).toBe('raw REPL; CTRL-B to exit\r\n>');
    await transport.write(new TextEncoder().encode('\x05A\x01'));
    await transport.write(new Uint8Array([0x04]));
    expect(port.written).toEqual([0x05, 0x41, 0x01, 0x04]);
    expect(transport.bytesWritten).toBe(4);
  });

  it('keeps bytes that arrive before a receiver is set', async () => {
    const port = new FakeSerialPort();
    const transport = await webSerialTransport(port);
    port.feed('early ');
    port.feed('bytes');
    await new Promise((r) => setTimeout(r, 10));
    expect(await received(transport, 11)).toBe('early bytes');
  });

  it('closes RTS first, then DTR, unlocks the streams and closes the port; closed resolves undefined', async () => {
    const port = new FakeSerialPort();
    const transport = await webSerialTransport(port);
    await transport.close();
    await transport.close();
    expect(port.calls.slice(2)).toEqual(['signals {"requestToSend":false}', 'signals {"dataTerminalReady":false}', 'close']);
    expect(await transport.closed).toBeUndefined();
    await expect(transport.write(new Uint8Array([1]))).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('a fatal read error resolves closed with an error, closes the port, and fails later writes', async () => {
    const port = new FakeSerialPort();
    const transport = await webSerialTransport(port);
    port.failRead(named('NetworkError', 'The device has been lost.'));
    const reason = await transport.closed;
    expect(reason).toBeInstanceOf(TransportClosedError);
    expect(reason!.message).toContain('WebSerial 2e8a:0005');
    expect(reason!.message).toContain('The device has been lost.');
    await expect(transport.write(new Uint8Array([1]))).rejects.toThrow('The device has been lost.');
    await transport.close();
    expect(port.calls.at(-1)).toBe('close');
  });

  it('survives a recoverable read error (framing) by taking the fresh readable', async () => {
    const port = new FakeSerialPort();
    const transport = await webSerialTransport(port);
    const chunks: string[] = [];
    transport.setReceiver((b) => chunks.push(new TextDecoder().decode(b)));
    port.feed('before');
    await new Promise((r) => setTimeout(r, 5));
    const fresh = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode('after')) });
    port.failRead(named('FramingError'));
    port.readable = fresh;
    await new Promise((r) => setTimeout(r, 20));
    expect(chunks.join('')).toBe('beforeafter');
    const state = await Promise.race([transport.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 20))]);
    expect(state).toBe('open');
    await transport.close();
  });

  it('the disconnect event resolves closed with an error', async () => {
    const port = new FakeSerialPort();
    const transport = await webSerialTransport(port);
    port.unplug();
    expect((await transport.closed)?.message).toMatch(/went away.*disconnected/);
  });

  it('maps open failures to errors that say what to do', async () => {
    const busy = new FakeSerialPort();
    busy.openError = named('NetworkError', 'Failed to open serial port.');
    await expect(webSerialTransport(busy)).rejects.toMatchObject({ code: 'port-busy', message: expect.stringContaining('another program') });
    const twice = new FakeSerialPort();
    twice.openError = named('InvalidStateError', 'The port is already open.');
    await expect(webSerialTransport(twice)).rejects.toMatchObject({ code: 'port-busy', message: expect.stringContaining('already open in this page') });
    const hangs = new FakeSerialPort();
    hangs.openHangs = true;
    await expect(webSerialTransport(hangs, { openTimeoutMs: 50 })).rejects.toMatchObject({ code: 'port-open-timeout' });
    await expect(webSerialTransport(new FakeSerialPort(), { baudRate: 1200 })).rejects.toMatchObject({ code: 'port-baud-1200' });
  });
});

describe('requestSerialPort', () => {
  it('prefers WebSerial, falls back to the WebUSB polyfill, else has none', () => {
    expect(pickSerialBackend({ serial: { requestPort: async () => ({}) }, usb: {} })).toBe('web-serial');
    expect(pickSerialBackend({ usb: {} })).toBe('web-usb-polyfill');
    expect(pickSerialBackend({})).toBeNull();
    expect(pickSerialBackend(undefined)).toBeNull();
  });

  it('asks navigator.serial for a port, passing the filters', async () => {
    const port = new FakeSerialPort();
    let asked: unknown;
    const nav = { serial: { requestPort: async (options?: unknown) => ((asked = options), port) } };
    expect(await requestSerialPort({ nav, filters: [{ usbVendorId: 0x2e8a }] })).toBe(port);
    expect(asked).toEqual({ filters: [{ usbVendorId: 0x2e8a }] });
  });

  it('without WebSerial or WebUSB, throws no-web-serial naming browsers that work', async () => {
    const error = await requestSerialPort({ nav: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MpysyncError);
    expect(error).toMatchObject({ code: 'no-web-serial' });
    expect((error as Error).message).toContain("This browser can't talk to serial ports");
    expect((error as Error).message).toContain('Chrome on Android');
  });

  it('a cancelled picker is no-port-chosen', async () => {
    const nav = { serial: { requestPort: () => Promise.reject(named('NotFoundError', 'No port selected by the user.')) } };
    await expect(requestSerialPort({ nav })).rejects.toMatchObject({ code: 'no-port-chosen' });
  });
});
