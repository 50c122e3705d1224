/**
 * The page's real WebSerial code path against real firmware: the micro:bit (MicroPython 1.9.2) in
 * qemu. The test replaces `navigator.serial` with a stand-in whose port carries bytes over a local
 * WebSocket to this process, which relays them to and from the micro:bit's pty with `serialport`.
 * Everything above the SerialPort object — device/transport/web-serial.ts, the raw REPL engine,
 * probe, plan, sync, the UI — is the shipped code.
 */
import { mkdirSync, mkdtempSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator } from 'playwright-core';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { WebSocketServer, type WebSocket as RelaySocket } from 'ws';
import { describeBytes } from '../../protocol/errors.ts';
import { startMicrobit, type BoardProcess } from '../helpers/boards.ts';
import { buildPage, launchChromium, runPython as runPythonOnCard, showPageAtFailure, type TestBrowser } from '../helpers/browser.ts';
import { serveStatic, type StaticServer } from '../helpers/static-server.ts';

const ARTIFACTS = resolve('test-artifacts');
const STEP_MS = 60_000;
/** BBC micro:bit's DAPLink interface, as a real micro:bit reports it. */
const MICROBIT_USB = { usbVendorId: 0x0d28, usbProductId: 0x0204 };

let dist: string;
let project: string;
let server: StaticServer;
let browser: TestBrowser;
let microbit: BoardProcess;
let serial: SerialPort;
let relay: WebSocketServer;
const relayLog = { toBoard: 0, fromBoard: 0, connections: 0, transcript: [] as string[] };

/** The last exchanges through the relay, shown when the test fails. */
function note(direction: '→' | '←', bytes: Buffer): void {
  relayLog.transcript.push(`${Date.now() % 100_000} ${direction} ${describeBytes(bytes, 300)}`);
  if (relayLog.transcript.length > 60) relayLog.transcript.shift();
}

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'mpysync-dist-'));
  project = mkdtempSync(join(tmpdir(), 'mpysync-mb-project-'));
  writeFileSync(join(project, 'blink.py'), '# tiny module for the micro:bit\nVALUE = 42\n\ndef double(x):\n    return 2 * x\n');
  copyFileSync(resolve('test/fixtures/mpy-corpus/files/greet.bytecode.v1.27.0.mpy'), join(project, 'greet.mpy'));
  mkdirSync(join(project, 'lib'));
  writeFileSync(join(project, 'lib', 'helper.py'), 'X = 1\n');
  const [, started] = await Promise.all([buildPage(dist), startMicrobit()]);
  microbit = started;
  serial = await openSerial(microbit.port);
  relay = await startRelay(serial);
  server = await serveStatic(dist);
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (relay) {
    for (const client of relay.clients) client.terminate();
    await new Promise<void>((done) => relay.close(() => done()));
  }
  if (serial?.isOpen) await new Promise<void>((done) => serial.close(() => done()));
  await microbit?.stop();
  for (const dir of [dist, project]) if (dir) rmSync(dir, { recursive: true, force: true });
});

function openSerial(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  return new Promise((done, fail) => port.open((error) => (error ? fail(error) : done(port))));
}

/** One WebSocket client at a time gets the board's bytes; its messages go to the board. */
async function startRelay(port: SerialPort): Promise<WebSocketServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((done) => wss.once('listening', () => done()));
  let current: RelaySocket | null = null;
  port.on('data', (chunk: Buffer) => {
    relayLog.fromBoard += chunk.length;
    note('←', chunk);
    if (current?.readyState === current?.OPEN) current?.send(chunk);
  });
  wss.on('connection', (socket) => {
    relayLog.connections++;
    current = socket;
    socket.on('message', (data: Buffer) => {
      relayLog.toBoard += data.length;
      note('→', data);
      port.write(data);
    });
    socket.on('close', () => {
      if (current === socket) current = null;
    });
  });
  return wss;
}

/** Runs in the page before its scripts: a `navigator.serial` whose one port is the WebSocket relay. */
function installSerialStandIn({ url, info }: { url: string; info: { usbVendorId: number; usbProductId: number } }): void {
  class RelayPort {
    readable: ReadableStream<Uint8Array> | null = null;
    writable: WritableStream<Uint8Array> | null = null;
    signals: Record<string, boolean> = {};
    private socket: WebSocket | null = null;

    async open(options: { baudRate: number }): Promise<void> {
      if (this.socket) throw new DOMException('The port is already open.', 'InvalidStateError');
      if (!options.baudRate) throw new TypeError('baudRate is required');
      const socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
      await new Promise<void>((done, fail) => {
        socket.onopen = () => done();
        socket.onerror = () => fail(new DOMException('Failed to open serial port.', 'NetworkError'));
      });
      this.socket = socket;
      this.readable = new ReadableStream<Uint8Array>({
        start(controller) {
          socket.onmessage = (event) => controller.enqueue(new Uint8Array(event.data as ArrayBuffer));
          socket.onclose = () => {
            try {
              controller.close();
            } catch {
              // already cancelled by the reader
            }
          };
        },
      });
      this.writable = new WritableStream<Uint8Array>({
        write(chunk) {
          socket.send(chunk as Uint8Array<ArrayBuffer>);
        },
      });
    }

    async setSignals(signals: Record<string, boolean>): Promise<void> {
      if (!this.socket) throw new DOMException('The port is closed.', 'InvalidStateError');
      Object.assign(this.signals, signals);
    }

    getInfo() {
      return info;
    }

    async close(): Promise<void> {
      this.socket?.close();
      this.socket = null;
      this.readable = null;
      this.writable = null;
    }
  }
  const port = new RelayPort();
  // As in Chrome: getPorts() has the ports this origin was granted through the picker on an earlier
  // visit (kept across reloads); a granted port plugged in fires `connect` at navigator.serial.
  const GRANTED = 'stand-in: port granted';
  const connectListeners: Array<(event: { target: unknown }) => void> = [];
  const serial = {
    requestPort: async () => {
      localStorage.setItem(GRANTED, 'yes');
      return port;
    },
    getPorts: async () => (localStorage.getItem(GRANTED) ? [port] : []),
    addEventListener: (type: string, listener: (event: { target: unknown }) => void) => type === 'connect' && connectListeners.push(listener),
  };
  (window as unknown as { __plugIn: () => void }).__plugIn = () => connectListeners.forEach((listener) => listener({ target: port }));
  Object.defineProperty(navigator, 'serial', { value: serial, configurable: true });
  (window as unknown as { __relayPort: RelayPort }).__relayPort = port;
}

const runPython = (board: Locator, code: string) => runPythonOnCard(board, code, STEP_MS);

test('WebSerial adapter against the qemu micro:bit: probe, plan, sync, and check the file on the board', async () => {
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  onTestFailed(async () => {
    console.error('relay transcript (ms, direction, bytes):\n' + relayLog.transcript.join('\n'));
    await showPageAtFailure(page, join(ARTIFACTS, 'web-microbit-failure.png'));
  });
  const address = relay.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no TCP address');
  await page.addInitScript(installSerialStandIn, { url: `ws://127.0.0.1:${address.port}`, info: MICROBIT_USB });
  await page.goto(server.url);

  await page.getByRole('button', { name: 'Connect a board' }).click();
  const board = page.locator('article[aria-label="Board: WebSerial 0d28:0204"]');
  await expect.poll(() => board.locator('[data-fact=firmware]').textContent(), { timeout: STEP_MS }).toBe('MicroPython 1.9.2');
  expect(await board.locator('[data-fact=abi]').textContent()).toBe('no .mpy support');
  expect(await board.locator('[data-fact=machine]').textContent()).toBe('microbit');
  // The page syncs it the micro:bit way: file bytes fed on the console, with credits, over WebSerial.
  expect(await board.locator('[data-fact=features]').textContent()).toBe('files fed on the console');
  expect(relayLog.connections).toBe(1);
  // The same port picked again: its card is shown and the page says so; no second connection.
  await page.getByRole('button', { name: 'Connect a board' }).click();
  await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: STEP_MS }).toContain('WebSerial 0d28:0204 is connected already.');
  expect(await page.locator('article[aria-label^="Board: "]').count()).toBe(1);
  expect(relayLog.connections).toBe(1);
  // The adapter asserts DTR and RTS on open, as web-serial.ts promises.
  expect(await page.evaluate(() => (window as unknown as { __relayPort: { signals: object } }).__relayPort.signals)).toEqual({
    dataTerminalReady: true,
    requestToSend: true,
  });

  await page.locator('#folder-input').setInputFiles(project);
  await board.locator('tr[data-file="blink.py"][data-action="upload"]').waitFor({ timeout: STEP_MS });
  const greet = board.locator('tr[data-file="greet.mpy"]');
  expect(await greet.getAttribute('data-action')).toBe('refuse');
  expect(await greet.locator('td.detail').textContent()).toContain('MicroPython 1.9.2 has no sys.implementation._mpy');
  const helper = board.locator('tr[data-file="lib/helper.py"]');
  expect(await helper.getAttribute('data-action')).toBe('refuse');
  expect(await helper.locator('td.detail').textContent()).toContain("this board's file system has no folders");

  await board.getByRole('button', { name: 'Sync this board' }).click();
  // Two files were refused (no folders, no .mpy): it arrived, with problems.
  await expect.poll(() => board.locator('[data-result]').getAttribute('data-result'), { timeout: STEP_MS }).toBe('problems');
  expect(await board.locator('[data-result]').textContent()).toMatch(/1 uploaded · 0 skipped · 2 refused/);

  const listing = await runPython(board, 'import os; print(os.listdir())');
  expect(listing).toContain("'blink.py'");
  expect(listing).not.toContain('greet.mpy');
  expect(await runPython(board, 'import blink; print(blink.VALUE, blink.double(21))')).toContain('42 42');

  await page.screenshot({ path: join(ARTIFACTS, 'web-microbit-desktop.png'), fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: join(ARTIFACTS, 'web-microbit-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await board.getByRole('button', { name: 'Disconnect' }).click();
  await expect.poll(() => board.locator('[data-connection]').getAttribute('data-connection'), { timeout: STEP_MS }).toBe('closed');
  expect(relayLog.toBoard).toBeGreaterThan(0);
  expect(relayLog.fromBoard).toBeGreaterThan(0);

  // Back on the page later: the port granted before is connected without the picker.
  await page.reload();
  await expect.poll(() => board.locator('[data-fact=firmware]').textContent(), { timeout: STEP_MS }).toBe('MicroPython 1.9.2');
  expect(relayLog.connections).toBe(2);
  await board.getByRole('button', { name: 'Disconnect' }).click();
  await expect.poll(() => board.locator('[data-connection]').getAttribute('data-connection'), { timeout: STEP_MS }).toBe('closed');

  // "Sync new boards automatically": the board plugged in again is connected, planned and synced at once.
  await page.getByLabel('Sync new boards automatically').check();
  await page.locator('#folder-input').setInputFiles(project);
  await page.evaluate(() => (window as unknown as { __plugIn: () => void }).__plugIn());
  const again = page.locator('article[aria-label="Board: WebSerial 0d28:0204"]');
  await expect.poll(() => again.locator('[data-result]').getAttribute('data-result'), { timeout: STEP_MS }).toBe('problems');
  expect(await again.locator('[data-result]').textContent()).toMatch(/0 uploaded · 1 skipped · 2 refused/);
  // The lost card made way for the new connection: one card for the one port.
  expect(await page.locator('article[aria-label^="Board: "]').count()).toBe(1);
  expect(relayLog.connections).toBe(3);
  expect(pageErrors).toEqual([]);
});

/**
 * Runs in the page before its scripts: no `navigator.serial`, and a `navigator.usb` whose one
 * device is a USB CDC-ACM interface pair (as a micro:bit's DAPLink presents it) with its bulk
 * endpoints relaying bytes over the WebSocket. What the page sends on the control endpoint is kept
 * for the test. Everything above the USBDevice — web-serial-polyfill, web-serial.ts, the raw REPL,
 * probe, plan, sync, the UI — is the shipped code.
 */
function installUsbStandIn({ url }: { url: string }): void {
  const controls: Array<{ request: number; value: number; index: number; data: number[] }> = [];
  const arrived: Uint8Array[] = [];
  let waiting: (() => void) | null = null;
  let socket: WebSocket | null = null;
  const configuration = {
    configurationValue: 1,
    interfaces: [
      {
        interfaceNumber: 0,
        claimed: false,
        alternates: [
          {
            interfaceClass: 2,
            interfaceSubclass: 2,
            interfaceProtocol: 1,
            endpoints: [{ endpointNumber: 3, direction: 'in', type: 'interrupt', packetSize: 16 }],
          },
        ],
      },
      {
        interfaceNumber: 1,
        claimed: false,
        alternates: [
          {
            interfaceClass: 10,
            interfaceSubclass: 0,
            interfaceProtocol: 0,
            endpoints: [
              { endpointNumber: 1, direction: 'in', type: 'bulk', packetSize: 64 },
              { endpointNumber: 2, direction: 'out', type: 'bulk', packetSize: 64 },
            ],
          },
        ],
      },
    ],
  };
  const device = {
    vendorId: 0x0d28,
    productId: 0x0204,
    productName: 'BBC micro:bit CMSIS-DAP',
    opened: false,
    configuration: null as typeof configuration | null,
    configurations: [configuration],
    async open() {
      socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
      await new Promise<void>((done, fail) => {
        socket!.onopen = () => done();
        socket!.onerror = () => fail(new DOMException('Unable to open device.', 'NetworkError'));
      });
      socket.onmessage = (event) => {
        arrived.push(new Uint8Array(event.data as ArrayBuffer));
        waiting?.();
      };
      this.opened = true;
    },
    async selectConfiguration(value: number) {
      if (value !== 1) throw new DOMException('Unknown configuration.', 'NotFoundError');
      this.configuration = configuration;
    },
    async claimInterface(number: number) {
      if (!this.configuration) throw new DOMException('No configuration selected.', 'InvalidStateError');
      configuration.interfaces[number]!.claimed = true;
    },
    async releaseInterface(number: number) {
      configuration.interfaces[number]!.claimed = false;
    },
    async controlTransferOut(setup: { requestType: string; recipient: string; request: number; value: number; index: number }, data?: ArrayBuffer) {
      if (setup.requestType !== 'class' || setup.recipient !== 'interface') return { status: 'stall', bytesWritten: 0 };
      controls.push({ request: setup.request, value: setup.value, index: setup.index, data: data ? [...new Uint8Array(data)] : [] });
      return { status: 'ok', bytesWritten: data?.byteLength ?? 0 };
    },
    async transferIn(endpoint: number, length: number) {
      if (endpoint !== 1 || !configuration.interfaces[1]!.claimed) return { status: 'stall', data: undefined };
      while (!arrived.length) await new Promise<void>((done) => (waiting = done));
      const chunk = arrived.shift()!;
      if (chunk.length > length) arrived.unshift(chunk.slice(length));
      // A buffer of its own, as WebUSB gives: the polyfill's byte stream takes (detaches) it.
      const out = chunk.slice(0, length);
      return { status: 'ok', data: new DataView(out.buffer) };
    },
    async transferOut(endpoint: number, data: BufferSource) {
      if (endpoint !== 2 || !configuration.interfaces[1]!.claimed) return { status: 'stall', bytesWritten: 0 };
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      socket!.send(bytes.slice());
      return { status: 'ok', bytesWritten: bytes.length };
    },
    async close() {
      socket?.close();
      this.opened = false;
    },
  };
  Object.defineProperty(navigator, 'serial', { value: undefined, configurable: true });
  // As in Chrome: getDevices() has only the devices this origin was granted through the picker (kept across visits).
  const GRANTED = 'stand-in: usb device granted';
  const usb = {
    requestDevice: async () => {
      localStorage.setItem(GRANTED, 'yes');
      return device;
    },
    getDevices: async () => (localStorage.getItem(GRANTED) ? [device] : []),
  };
  Object.defineProperty(navigator, 'usb', { value: usb, configurable: true });
  (window as unknown as { __usbControls: typeof controls }).__usbControls = controls;
}

test('without Web Serial, the page reaches the micro:bit through web-serial-polyfill over a WebUSB CDC-ACM device: probe, plan, sync', async () => {
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  onTestFailed(async () => {
    console.error('relay transcript (ms, direction, bytes):\n' + relayLog.transcript.join('\n'));
    await showPageAtFailure(page, join(ARTIFACTS, 'web-microbit-usb-failure.png'));
  });
  const address = relay.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no TCP address');
  await page.addInitScript(installUsbStandIn, { url: `ws://127.0.0.1:${address.port}` });
  await page.goto(server.url);
  expect(await page.locator('#support').textContent()).toMatch(/This browser has no Web Serial: boards are reached over WebUSB/);

  const usbProject = mkdtempSync(join(tmpdir(), 'mpysync-usb-project-'));
  writeFileSync(join(usbProject, 'viausb.py'), 'ROUTE = "webusb"\n');
  await page.getByRole('button', { name: 'Connect a board' }).click();
  const board = page.locator('article[aria-label="Board: WebSerial 0d28:0204"]');
  await expect.poll(() => board.locator('[data-fact=firmware]').textContent(), { timeout: STEP_MS }).toBe('MicroPython 1.9.2');
  // The polyfill's own requests on the control interface: the line coding (115200 8N1), then DTR.
  const controls = await page.evaluate(() => (window as unknown as { __usbControls: unknown[] }).__usbControls);
  expect(controls.slice(0, 2)).toEqual([
    { request: 0x20, value: 0, index: 0, data: [0x00, 0xc2, 0x01, 0x00, 0, 0, 8] },
    { request: 0x22, value: 1, index: 0, data: [] },
  ]);

  await page.locator('#folder-input').setInputFiles(usbProject);
  await board.locator('tr[data-file="viausb.py"][data-action="upload"]').waitFor({ timeout: STEP_MS });
  await board.getByRole('button', { name: 'Sync this board' }).click();
  await expect.poll(() => board.locator('[data-result]').getAttribute('data-result'), { timeout: STEP_MS }).toBe('ok');
  expect(await runPython(board, 'import viausb; print(viausb.ROUTE)')).toContain('webusb');
  await board.getByRole('button', { name: 'Disconnect' }).click();
  await expect.poll(() => board.locator('[data-connection]').getAttribute('data-connection'), { timeout: STEP_MS }).toBe('closed');
  expect(pageErrors).toEqual([]);
  rmSync(usbProject, { recursive: true, force: true });
});
