/**
 * The web page's "virtual board": a Transport straight over a WasmBoard running in the page, no
 * serial port involved. No Node APIs. One per page: the WebAssembly package keeps its state in
 * `globalThis.Module`, so close the previous board before creating another.
 */
import { TransportClosedError } from '../../protocol/errors.ts';
import type { Transport } from '../../protocol/transport.ts';
import { LinkState } from '../transport/link-state.ts';
import { WasmBoard } from './wasm-board.ts';

const LABEL = 'virtual board';

export async function createInPageVirtualBoard(options: { wasmUrl?: string; rawPaste?: boolean } = {}): Promise<Transport> {
  const board = await WasmBoard.create({ wasmUrl: options.wasmUrl, rawPaste: options.rawPaste });
  return new InPageTransport(board);
}

class InPageTransport implements Transport {
  readonly label = LABEL;
  private readonly state = new LinkState();
  readonly closed = this.state.closed;

  constructor(private readonly board: WasmBoard) {
    board.onOutput((bytes) => {
      if (!this.state.isEnded) this.state.deliver(bytes);
    });
    board.onError((error) => this.state.end(new TransportClosedError(LABEL, `the MicroPython runtime failed: ${(error as Error)?.message ?? String(error)}`)));
  }

  get bytesWritten(): number {
    return this.state.bytesWritten;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.state.isEnded) throw this.state.closedError(LABEL);
    this.state.bytesWritten += bytes.length;
    this.board.input(bytes);
  }

  setReceiver(receiver: (bytes: Uint8Array) => void): void {
    this.state.setReceiver(receiver);
  }

  async close(): Promise<void> {
    this.state.end(undefined);
  }
}
