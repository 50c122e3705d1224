/** The Transport contract against the transports that run in this process (serialport over a pty: test/real). */
import { describe } from 'vitest';
import { webSerialTransport, type SerialPortLike } from '../../device/transport/web-serial.ts';
import { createInPageVirtualBoard } from '../../device/virtual/in-page.ts';
import { FakeBoard } from '../helpers/fake-board.ts';
import { transportContract } from '../helpers/transport-contract.ts';

/** A WebSerial port whose far end sends back what it is written; `unplug()` fires `disconnect` and errors the stream. */
class EchoSerialPort implements SerialPortLike {
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private listeners: Array<() => void> = [];
  async open(): Promise<void> {
    this.readable = new ReadableStream<Uint8Array>({ start: (c) => void (this.controller = c) });
    this.writable = new WritableStream<Uint8Array>({ write: (chunk) => this.controller.enqueue(chunk.slice()) });
  }
  async close(): Promise<void> {
    this.readable = null;
    this.writable = null;
  }
  async setSignals(): Promise<void> {}
  getInfo() {
    return { usbVendorId: 0x2e8a, usbProductId: 5 };
  }
  addEventListener(_type: 'disconnect', listener: () => void) {
    this.listeners.push(listener);
  }
  removeEventListener(_type: 'disconnect', listener: () => void) {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }
  unplug() {
    this.controller.error(new Error('unplugged'));
    for (const l of this.listeners) l();
  }
}

describe('Transport contract: the fake board (echo peer)', () => {
  transportContract(
    async () => {
      const board = new FakeBoard({ peer: 'echo' });
      return { transport: board, goAway: async () => board.disconnect() };
    },
    { deviceCanGoAway: true },
  );
});

describe('Transport contract: WebSerial', () => {
  transportContract(
    async () => {
      const port = new EchoSerialPort();
      return { transport: await webSerialTransport(port), goAway: async () => port.unplug() };
    },
    { deviceCanGoAway: true },
  );
});

describe('Transport contract: the in-page virtual board (MicroPython 1.27 echoing what is typed at its REPL)', () => {
  transportContract(async () => ({ transport: await createInPageVirtualBoard() }), { deviceCanGoAway: false });
});
