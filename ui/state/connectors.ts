/** Opens the links the page offers: a serial port the user picks, or MicroPython running in the page. */
import wasmUrl from '@micropython/micropython-webassembly-pyscript/micropython.wasm?url';
import { pickSerialBackend, webSerialTransport, type NavigatorLike, type SerialPortLike } from '../../device/transport/index.ts';
import { newBoardId } from '../../device/virtual/board-id.ts';
import { createInPageVirtualBoard } from '../../device/virtual/in-page.ts';
import { identifyUsbDevice } from '../../protocol/usb-ids.ts';
import type { OpenedLink } from './board-controller.ts';
import type { ConnectSupport } from './views.ts';

const NO_SERIAL_MESSAGE =
  "This browser can't talk to serial ports (Firefox and Safari can't). Use Chrome or Edge on a computer, or Chrome on Android — or try the virtual board.";

/** Which way this browser reaches serial ports, said beside the connect button. */
const BACKEND_MESSAGE = {
  'web-serial': 'Boards are reached through Web Serial.',
  'web-usb-polyfill':
    'This browser has no Web Serial: boards are reached over WebUSB, which sees boards with native USB (Pico, ESP32-S2/S3), not CP210x/CH340 bridges.',
} as const;

export function connectSupport(nav: NavigatorLike | undefined): ConnectSupport {
  const backend = pickSerialBackend(nav);
  return { backend, message: backend ? BACKEND_MESSAGE[backend] : NO_SERIAL_MESSAGE };
}

/** Opens `port` when called: a port picked now, granted on an earlier visit, or plugged in again. */
export function portLink(port: SerialPortLike): () => Promise<OpenedLink> {
  return async () => {
    const transport = await webSerialTransport(port);
    const { usbVendorId, usbProductId } = port.getInfo();
    return { transport, label: transport.label, usbName: identifyUsbDevice(usbVendorId, usbProductId).board };
  };
}

export function openVirtualBoard(label: string): () => Promise<OpenedLink> {
  // An id of its own, as a chip's machine.unique_id(): the page keeps the board's name by it.
  const uniqueId = newBoardId();
  return async () => {
    const transport = await createInPageVirtualBoard({ wasmUrl, uniqueId });
    return { transport, label, usbName: null, hardReset: transport.inWorker ? () => transport.hardReset() : undefined };
  };
}
