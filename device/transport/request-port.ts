/**
 * Asks the user to pick a serial port in the browser: WebSerial when the browser has it, else
 * `web-serial-polyfill` over WebUSB (Android Chrome before 126, and boards whose CDC interface
 * no OS driver claimed). Must be called from a user gesture (a click).
 */
import { serial as webUsbSerial } from 'web-serial-polyfill';
import { MpysyncError } from '../../protocol/errors.ts';
import type { SerialPortLike } from './web-serial.ts';

export interface SerialPortRequestFilter {
  usbVendorId?: number;
  usbProductId?: number;
}

interface SerialLike {
  requestPort(options?: { filters?: SerialPortRequestFilter[] }): Promise<unknown>;
  getPorts?(): Promise<unknown[]>;
  addEventListener?(type: 'connect', listener: (event: { target: unknown }) => void): void;
}

/** What the page's `navigator` may offer; a parameter so tests can hand in a fake. */
export interface NavigatorLike {
  serial?: SerialLike;
  usb?: unknown;
}

export type SerialBackend = 'web-serial' | 'web-usb-polyfill';

export function pickSerialBackend(nav: NavigatorLike | undefined): SerialBackend | null {
  if (nav?.serial) return 'web-serial';
  if (nav?.usb) return 'web-usb-polyfill';
  return null;
}

export async function requestSerialPort(options: { filters?: SerialPortRequestFilter[]; nav?: NavigatorLike } = {}): Promise<SerialPortLike> {
  const nav = options.nav ?? (globalThis as { navigator?: NavigatorLike }).navigator;
  const backend = pickSerialBackend(nav);
  if (backend === null) {
    throw new MpysyncError('no-web-serial', "This browser can't talk to serial ports. Use Chrome or Edge on a computer, or Chrome on Android (USB).");
  }
  const request = options.filters ? { filters: options.filters } : {};
  try {
    if (backend === 'web-serial') return (await nav!.serial!.requestPort(request)) as SerialPortLike;
    return (await (webUsbSerial as unknown as SerialLike).requestPort(request)) as SerialPortLike;
  } catch (error) {
    throw describeRequestFailure(backend, error);
  }
}

function describeRequestFailure(backend: SerialBackend, error: unknown): MpysyncError {
  const name = (error as Error)?.name;
  if (name === 'NotFoundError') {
    const bridgeNote =
      backend === 'web-usb-polyfill'
        ? ' Over WebUSB only boards with native USB serial (CDC) show up: Pico, ESP32-S2/S3, pyboard — not CP210x/CH340 bridge boards.'
        : '';
    return new MpysyncError('no-port-chosen', `No port was chosen.${bridgeNote}`, { cause: error });
  }
  if (name === 'SecurityError') {
    return new MpysyncError('port-permission', 'The browser blocked the port picker: open the page over https (or localhost) and click the connect button.', {
      cause: error,
    });
  }
  return new MpysyncError('port-request-failed', `Could not get a serial port: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}

/** The ports this page was granted before (no picker): `getPorts()`; none where the browser cannot say. */
export async function grantedSerialPorts(nav: NavigatorLike | undefined = (globalThis as { navigator?: NavigatorLike }).navigator): Promise<SerialPortLike[]> {
  const backend = pickSerialBackend(nav);
  const serial = backend === 'web-serial' ? nav!.serial! : backend === 'web-usb-polyfill' ? (webUsbSerial as unknown as SerialLike) : null;
  try {
    return ((await serial?.getPorts?.()) ?? []) as SerialPortLike[];
  } catch {
    // WebUSB without a device granted, or a browser that refuses: the picker still works.
    return [];
  }
}

/**
 * Calls `listener` with each granted port plugged in while the page is open: WebSerial's `connect`
 * event, whose target is the port (the WebUSB polyfill has no such event).
 */
export function onGrantedPortConnected(
  listener: (port: SerialPortLike) => void,
  nav: NavigatorLike | undefined = (globalThis as { navigator?: NavigatorLike }).navigator,
): void {
  if (pickSerialBackend(nav) !== 'web-serial') return;
  nav!.serial!.addEventListener?.('connect', (event) => listener(event.target as SerialPortLike));
}
