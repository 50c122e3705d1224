/** The Web Worker of the page's virtual board (in-page.ts starts it; board-host.ts is its inside). */
import type { ToBoard } from './board-messages.ts';
import { hostBoard } from './board-host.ts';

const scope = globalThis as unknown as {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToBoard>) => void) | null;
};
// A MessageChannel turn, not setTimeout(0): browsers clamp nested timers to 4 ms.
const channel = new MessageChannel();
const turns: Array<() => void> = [];
channel.port1.onmessage = () => turns.shift()?.();
const handle = hostBoard(
  (message, transfer) => scope.postMessage(message, transfer ?? []),
  () =>
    new Promise((resolve) => {
      turns.push(resolve);
      channel.port2.postMessage(0);
    }),
);
scope.onmessage = (event) => handle(event.data);
