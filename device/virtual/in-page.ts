/**
 * The web page's "virtual board": a Transport straight over a WasmBoard running in the page, no
 * serial port involved. No Node APIs. One per page: the WebAssembly package keeps its state in
 * `globalThis.Module`, so close the previous board before creating another.
 */
import { TransportClosedError } from '../../protocol/errors';
import type { Transport } from '../../protocol/transport';
import { WasmBoard } from './wasm-board';

const LABEL = 'virtual board';

export async function createInPageVirtualBoard(options: { wasmUrl?: string; rawPaste?: boolean } = {}): Promise<Transport> {
  const board = await WasmBoard.create({ wasmUrl: options.wasmUrl, rawPaste: options.rawPaste });
  return new InPageTransport(board);
}

class InPageTransport implements Transport {
  readonly label = LABEL;
  readonly closed: Promise<Error | undefined>;
  private written = 0;
  private isClosed = false;
  private receiver: ((bytes: Uint8Array) => void) | undefined;
  private early: Uint8Array[] = [];
  private resolveClosed!: (value: Error | undefined) => void;

  constructor(private readonly board: WasmBoard) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    board.onOutput((bytes) => {
      if (this.isClosed) return;
      if (this.receiver) this.receiver(bytes);
      else this.early.push(bytes);
    });
    board.onError((error) => this.end(new TransportClosedError(LABEL, `the MicroPython runtime failed: ${(error as Error)?.message ?? String(error)}`)));
  }

  get bytesWritten(): number {
    return this.written;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) throw new TransportClosedError(LABEL);
    this.written += bytes.length;
    this.board.input(bytes);
  }

  setReceiver(receiver: (bytes: Uint8Array) => void): void {
    this.receiver = receiver;
    for (const bytes of this.early.splice(0)) receiver(bytes);
  }

  async close(): Promise<void> {
    this.end(undefined);
  }

  private end(reason: Error | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.early = [];
    this.resolveClosed(reason);
  }
}
