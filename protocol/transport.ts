/**
 * The one contract between the protocol and a serial link. Node `serialport`, WebSerial, the
 * WebUSB polyfill, the in-page virtual board and test relays all implement it.
 *
 * Semantics (every implementation honours them; test/helpers/transport-contract.ts is run against
 * each, in test/unit and test/real):
 * - `write` resolves once the bytes are handed to the link (OS buffer, USB endpoint); it rejects
 *   with a `TransportClosedError` if the link is closed or goes away, before or during the write.
 * - Incoming bytes are pushed, in order, to the single receiver set with `setReceiver`. Chunks may
 *   be split anywhere; bytes received before a receiver is set are kept and delivered to it.
 * - `closed` resolves exactly once, when the link ends for any reason: `undefined` when `close()`
 *   was called, an Error when the device went away (unplugged, board process killed, read error).
 * - `close` never throws; calling it twice is harmless.
 * - Writes may overlap (a second `write` before the first resolved): they go out whole, in call order.
 * - `bytesWritten` counts every byte handed to `write` that was accepted (the "wire bytes").
 */
export interface Transport {
  /** What a user would call it: a port path, "WebSerial 2e8a:0005", "virtual board". */
  readonly label: string;
  readonly bytesWritten: number;
  write(bytes: Uint8Array): Promise<void>;
  setReceiver(receiver: (bytes: Uint8Array) => void): void;
  readonly closed: Promise<Error | undefined>;
  close(): Promise<void>;
}
