import { MpysyncError } from '../protocol/errors.ts';
import { RawRepl } from '../protocol/repl/index.ts';
import type { Transport } from '../protocol/transport.ts';
import { listPorts, pickAutoPort } from './ports.ts';
import { openNodeSerial } from './transport/node-serial.ts';
import { startVirtualBoard } from './virtual/spawn.ts';

export interface OpenedBoard {
  /** The port as the user knows it (`/dev/ttyACM0`, or the virtual board's pty). */
  label: string;
  transport: Transport;
  repl: RawRepl;
  /** Leaves the friendly REPL on the board, closes the port, stops a private virtual board. */
  close(): Promise<void>;
}

/** The port could not be found, opened, or did not speak MicroPython: exit code 2. */
export class ConnectError extends MpysyncError {
  override name = 'ConnectError';
}

/**
 * Resolves `--port`: `auto` (the one MicroPython-looking port), `virtual` (a private virtual board
 * for this command alone), or a path.
 */
export async function openTransport(
  spec: string,
  notice: (message: string) => void,
): Promise<{ transport: Transport; label: string; dispose: () => Promise<void> }> {
  if (spec === 'virtual') {
    const board = await startVirtualBoard();
    try {
      const transport = await openNodeSerial(board.port);
      return { transport, label: `virtual board ${board.port}`, dispose: board.stop };
    } catch (error) {
      await board.stop();
      throw error;
    }
  }
  let path = spec;
  if (spec === 'auto') {
    const pick = pickAutoPort(await listPorts());
    if ('error' in pick) throw new ConnectError('no-auto-port', pick.error);
    path = pick.port.path;
    notice(`using ${path}${pick.port.identity.board ? ` (${pick.port.identity.board})` : ''}; choose another with --port`);
  }
  const transport = await openNodeSerial(path);
  return { transport, label: path, dispose: async () => {} };
}

export async function openBoard(spec: string, options: { notice?: (message: string) => void; log?: (message: string) => void } = {}): Promise<OpenedBoard> {
  const { transport, label, dispose } = await openTransport(spec, options.notice ?? (() => {}));
  const repl = new RawRepl(transport, { log: options.log });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([repl.exitRaw().catch(() => {}), new Promise((r) => (timer = setTimeout(r, 1000)))]);
    clearTimeout(timer);
    await transport.close();
    await dispose();
  };
  try {
    await repl.enter();
  } catch (error) {
    await close();
    throw error;
  }
  return { label, transport, repl, close };
}
