/** The Node worker thread of a virtual board (thread-board.ts starts it; board-host.ts is its inside). */
import { parentPort } from 'node:worker_threads';
import type { ToBoard } from './board-messages.ts';
import { hostBoard } from './board-host.ts';

const port = parentPort!;
const handle = hostBoard(
  (message, transfer) => port.postMessage(message, transfer),
  () => new Promise((resolve) => setImmediate(resolve)),
);
port.on('message', (message: ToBoard) => handle(message));
