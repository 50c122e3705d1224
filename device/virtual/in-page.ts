/**
 * The web page's "virtual board": a Transport straight over a MicroPython board in the page, no
 * serial port involved. No Node APIs. Where the browser has Web Workers the board runs in one
 * (thread-board.ts), so a student's `while True: pass` never freezes the page and Stop and Reset
 * always work; elsewhere (Node, in tests) it runs on the caller's thread. On one thread only one
 * board per page: the WebAssembly package keeps its state in `globalThis.Module`.
 */
import { TransportClosedError } from '../../protocol/errors.ts';
import type { Transport } from '../../protocol/transport.ts';
import { LinkState } from '../transport/link-state.ts';
import type { FromBoard } from './board-messages.ts';
import { ThreadBoard } from './thread-board.ts';
import { WasmBoard } from './wasm-board.ts';

const LABEL = 'virtual board';

/** The board as the transport drives it: a WasmBoard here, or a ThreadBoard in a worker. */
interface PageBoard {
  input(bytes: Uint8Array): void;
  onOutput(listener: (bytes: Uint8Array) => void): void;
  onError(listener: (error: Error) => void): void;
}

export interface InPageTransport extends Transport {
  /** Ends whatever the board runs and starts it again with its files (a reset button). */
  hardReset(): void;
  /** The board runs in a Web Worker: nothing it runs can block the page. */
  readonly inWorker: boolean;
}

export async function createInPageVirtualBoard(
  options: { wasmUrl?: string; rawPaste?: boolean; worker?: boolean; uniqueId?: string } = {},
): Promise<InPageTransport> {
  if (options.worker !== false && typeof Worker !== 'undefined') {
    const wasmUrl = options.wasmUrl && typeof location !== 'undefined' ? new URL(options.wasmUrl, location.href).href : options.wasmUrl;
    const board = new ThreadBoard(
      () => {
        const worker = new Worker(new URL('./board-web-worker.ts', import.meta.url), { type: 'module', name: 'MicroPython virtual board' });
        return {
          post: (message, transfer) => worker.postMessage(message, transfer ?? []),
          onMessage: (listener) => (worker.onmessage = (event: MessageEvent<FromBoard>) => listener(event.data)),
          terminate: () => worker.terminate(),
        };
      },
      { wasmUrl, rawPaste: options.rawPaste, uniqueId: options.uniqueId },
    );
    await board.whenReady();
    return new PageTransport(
      board,
      () => board.hardReset(),
      true,
      () => board.stop(),
    );
  }
  const board = await WasmBoard.create({ wasmUrl: options.wasmUrl, rawPaste: options.rawPaste, uniqueId: options.uniqueId });
  // On the page's own thread nothing can end a running program: a reset has nothing to reset.
  return new PageTransport(
    board as unknown as PageBoard,
    () => {},
    false,
    () => {},
  );
}

class PageTransport implements InPageTransport {
  readonly label = LABEL;
  private readonly state = new LinkState();
  readonly closed = this.state.closed;

  constructor(
    private readonly board: PageBoard,
    private readonly reset: () => void,
    readonly inWorker: boolean,
    private readonly end: () => void,
  ) {
    board.onOutput((bytes) => {
      if (!this.state.isEnded) this.state.deliver(bytes);
    });
    board.onError((error) => this.state.end(new TransportClosedError(LABEL, `the MicroPython runtime failed: ${error?.message ?? String(error)}`)));
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

  hardReset(): void {
    if (!this.state.isEnded) this.reset();
  }

  async close(): Promise<void> {
    this.state.end(undefined);
    this.end();
  }
}
