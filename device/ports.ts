/**
 * Lists this machine's serial ports with their USB identity, and picks the one to use for
 * `--port auto` (Node only).
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join, basename, dirname } from 'node:path';
import { SerialPort } from 'serialport';
import { formatUsbId, identifyUsbDevice, type UsbIdentity } from '../protocol/usb-ids.ts';
import { listVirtualBoards, type ListedVirtualBoard } from './virtual/registry.ts';

export interface PortInfo {
  path: string;
  vid?: number;
  pid?: number;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  identity: UsbIdentity;
  /** A running `mpysync virtual` board (registry.ts), with its id. */
  virtual?: true;
  id?: string;
}

/** What `SerialPort.list()` returns (bindings-interface `PortInfo`). */
export interface RawPortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

export interface ListPortsOptions {
  /** Defaults to `SerialPort.list()`, which on Linux needs `udevadm`. */
  list?: () => Promise<RawPortInfo[]>;
  /** Roots for the fallback scan; tests point them at a fake tree. */
  devRoot?: string;
  sysRoot?: string;
  /** Defaults to the running `mpysync virtual` boards; tests of USB listing leave them out. */
  virtualBoards?: () => ListedVirtualBoard[];
}

export async function listPorts(options: ListPortsOptions = {}): Promise<PortInfo[]> {
  const list = options.list ?? (() => SerialPort.list());
  let ports: PortInfo[];
  const sysRoot = options.sysRoot ?? '/sys';
  try {
    ports = await Promise.all((await list()).map((raw) => enrichFromSysfs(fromRawPort(raw), sysRoot)));
  } catch {
    // Without udev, serialport's Linux lister fails with `spawn udevadm ENOENT`: read /dev and sysfs.
    ports = await scanDevices(options.devRoot ?? '/dev', sysRoot);
  }
  ports.sort((x, y) => x.path.localeCompare(y.path, undefined, { numeric: true }));
  return [...ports, ...(options.virtualBoards ?? listVirtualBoards)().map(virtualPort)];
}

/** A virtual board is listed as a board MicroPython runs (so `--all` and `--port auto` find it), by its id. */
function virtualPort(board: ListedVirtualBoard): PortInfo {
  const link = board.baud ? `, ${board.baud} baud` : '';
  return {
    path: board.port,
    product: `virtual board (MicroPython 1.27, WebAssembly${link})`,
    identity: { board: 'virtual board', kind: 'micropython-native', likelyMicroPython: true },
    virtual: true,
    id: board.id,
  };
}

function fromRawPort(raw: RawPortInfo): PortInfo {
  const vid = parseHexId(raw.vendorId);
  const pid = parseHexId(raw.productId);
  return withIdentity({
    path: raw.path,
    vid,
    pid,
    serialNumber: raw.serialNumber || undefined,
    manufacturer: raw.manufacturer || undefined,
  });
}

/** udevadm without a udev database (containers) lists USB ports with no IDs; sysfs still has them. */
async function enrichFromSysfs(port: PortInfo, sysRoot: string): Promise<PortInfo> {
  const name = basename(port.path);
  if (port.vid !== undefined || !USB_TTY.test(name)) return port;
  const { identity: _stale, ...known } = port;
  return withIdentity({ ...(await readUsbAttributes(sysRoot, name)), ...definedOnly(known) });
}

function parseHexId(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const value = parseInt(text.replace(/^0x/i, ''), 16);
  return Number.isNaN(value) ? undefined : value;
}

function withIdentity(port: Omit<PortInfo, 'identity'>): PortInfo {
  const clean = definedOnly(port);
  return { ...clean, identity: identifyUsbDevice(clean.vid, clean.pid) };
}

/** JSON output and merges stay tidy without `key: undefined` entries. */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const USB_TTY = /^tty(ACM|USB)\d+$/;

async function scanDevices(devRoot: string, sysRoot: string): Promise<PortInfo[]> {
  const names = new Set<string>();
  for (const name of await readdirOrEmpty(devRoot)) if (USB_TTY.test(name)) names.add(name);
  // by-id links point at ../../ttyACM0 and friends; they catch ports with unusual names too.
  const byIdDir = join(devRoot, 'serial', 'by-id');
  for (const link of await readdirOrEmpty(byIdDir)) {
    const target = await realpath(join(byIdDir, link)).catch(() => undefined);
    if (target) names.add(basename(target));
  }
  const ports: PortInfo[] = [];
  for (const name of names) ports.push(withIdentity({ path: join(devRoot, name), ...(await readUsbAttributes(sysRoot, name)) }));
  return ports;
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/**
 * `/sys/class/tty/<name>/device` is the USB interface (ttyACM) or a port under it (ttyUSB); the
 * USB device, which has idVendor/idProduct, is a few levels up.
 */
async function readUsbAttributes(sysRoot: string, name: string): Promise<Partial<Omit<PortInfo, 'path' | 'identity'>>> {
  let dir = await realpath(join(sysRoot, 'class', 'tty', name, 'device')).catch(() => undefined);
  for (let level = 0; dir && level < 4; level++, dir = dirname(dir)) {
    const vendor = await readAttribute(dir, 'idVendor');
    if (vendor === undefined) continue;
    return {
      vid: parseHexId(vendor),
      pid: parseHexId(await readAttribute(dir, 'idProduct')),
      serialNumber: await readAttribute(dir, 'serial'),
      manufacturer: await readAttribute(dir, 'manufacturer'),
      product: await readAttribute(dir, 'product'),
    };
  }
  return {};
}

async function readAttribute(dir: string, name: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dir, name), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

export type AutoPortChoice = { port: PortInfo } | { error: string };

/** `--port auto`: the one port that looks like a MicroPython board, or an error saying why not. */
export function pickAutoPort(ports: readonly PortInfo[]): AutoPortChoice {
  const candidates = ports.filter((port) => port.identity.likelyMicroPython);
  if (candidates.length === 1) return { port: candidates[0]! };
  if (candidates.length === 0) {
    const others = ports.length ? ` (found ${ports.map((p) => p.path).join(', ')}, none with a MicroPython board's USB ID)` : '';
    return {
      error:
        `no MicroPython board found${others}. Plug one in, name a port with --port /dev/ttyACM0, ` +
        `or try a virtual board with --port virtual. \`mpysync ports\` lists what this machine has.`,
    };
  }
  return {
    error: `several ports look like MicroPython boards; choose one with --port:\n` + candidates.map((port) => `  ${describePort(port)}`).join('\n'),
  };
}

/** `/dev/ttyACM0  2e8a:0005  Raspberry Pi Pico / RP2 board (rp2)` */
export function describePort(port: PortInfo): string {
  return [port.path, formatUsbId(port.vid, port.pid), port.identity.board ?? port.product ?? port.manufacturer].filter(Boolean).join('  ');
}
