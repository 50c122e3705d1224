import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describePort, listPorts, pickAutoPort, type PortInfo } from '../../device/ports.ts';
import { identifyUsbDevice } from '../../protocol/usb-ids.ts';

function port(path: string, vid?: number, pid?: number): PortInfo {
  return { path, vid, pid, identity: identifyUsbDevice(vid, pid) };
}

const pico = port('/dev/ttyACM0', 0x2e8a, 0x0005);
const cp2102 = port('/dev/ttyUSB0', 0x10c4, 0xea60);
const uart = port('/dev/ttyS0');
const bluetooth = port('/dev/cu.Bluetooth-Incoming-Port');
const debugProbe = port('/dev/ttyACM1', 0x2e8a, 0x000c);

describe('pickAutoPort', () => {
  it('picks the one MicroPython-looking port among ports without USB IDs and a debug probe', () => {
    expect(pickAutoPort([uart, bluetooth, debugProbe, pico])).toEqual({ port: pico });
  });

  it('picks a bridge-chip dev board too (ESP32 with a CP210x)', () => {
    expect(pickAutoPort([uart, cp2102])).toEqual({ port: cp2102 });
  });

  it('with none, says so, lists what it saw, and suggests --port and --port virtual', () => {
    const choice = pickAutoPort([uart, bluetooth]);
    expect('error' in choice && choice.error).toMatch(/no MicroPython board found/);
    const error = (choice as { error: string }).error;
    expect(error).toContain('/dev/ttyS0');
    expect(error).toContain('/dev/cu.Bluetooth-Incoming-Port');
    expect(error).toContain('--port /dev/');
    expect(error).toContain('--port virtual');
  });

  it('with no ports at all, still suggests --port virtual', () => {
    const choice = pickAutoPort([]);
    expect((choice as { error: string }).error).toContain('--port virtual');
    expect((choice as { error: string }).error).not.toContain('found ');
  });

  it('with several, lists every candidate with its ID and board, and none of the others', () => {
    const error = (pickAutoPort([pico, uart, cp2102]) as { error: string }).error;
    expect(error).toContain('several ports');
    expect(error).toContain('/dev/ttyACM0  2e8a:0005  Raspberry Pi Pico');
    expect(error).toContain('/dev/ttyUSB0  10c4:ea60  CP210x');
    expect(error).not.toContain('/dev/ttyS0');
  });
});

describe('describePort', () => {
  it('falls back to the product name for unknown IDs, and to the path alone', () => {
    expect(describePort({ ...port('/dev/ttyACM3', 0x1234, 0x5678), product: 'Gadget' })).toBe('/dev/ttyACM3  1234:5678  Gadget');
    expect(describePort(uart)).toBe('/dev/ttyS0');
  });
});

describe('listPorts', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
  });

  /** A fake /dev and /sys: a Pico on ttyACM0 (interface dir under the USB device) and a CH340 on
   *  ttyUSB0 (one level deeper), as Linux lays them out. */
  async function fakeMachine() {
    root = await mkdtemp(join(tmpdir(), 'mpysync-ports-'));
    const dev = join(root, 'dev');
    const sys = join(root, 'sys');
    const usb = join(sys, 'devices', 'pci0000:00', 'usb1');
    const picoDevice = join(usb, '1-1');
    const chDevice = join(usb, '1-2');
    await mkdir(join(picoDevice, '1-1:1.0'), { recursive: true });
    await mkdir(join(chDevice, '1-2:1.0', 'ttyUSB0'), { recursive: true });
    const attrs = async (dir: string, values: Record<string, string>) => {
      for (const [name, value] of Object.entries(values)) await writeFile(join(dir, name), value + '\n');
    };
    await attrs(picoDevice, { idVendor: '2e8a', idProduct: '0005', serial: 'E6614C311B', manufacturer: 'MicroPython', product: 'Board in FS mode' });
    await attrs(chDevice, { idVendor: '1a86', idProduct: '7523', product: 'USB Serial' });
    await mkdir(join(sys, 'class', 'tty', 'ttyACM0'), { recursive: true });
    await mkdir(join(sys, 'class', 'tty', 'ttyUSB0'), { recursive: true });
    await mkdir(join(sys, 'class', 'tty', 'ttyS0'), { recursive: true });
    await symlink(join(picoDevice, '1-1:1.0'), join(sys, 'class', 'tty', 'ttyACM0', 'device'));
    await symlink(join(chDevice, '1-2:1.0', 'ttyUSB0'), join(sys, 'class', 'tty', 'ttyUSB0', 'device'));
    await mkdir(join(dev, 'serial', 'by-id'), { recursive: true });
    for (const name of ['ttyACM0', 'ttyUSB0', 'ttyS0', 'tty1']) await writeFile(join(dev, name), '');
    await symlink('../../ttyACM0', join(dev, 'serial', 'by-id', 'usb-MicroPython_Board_E6614C311B-if00'));
    return { dev, sys };
  }

  it('when SerialPort.list() throws (no udevadm), scans /dev and reads IDs from sysfs', async () => {
    const { dev, sys } = await fakeMachine();
    const ports = await listPorts({
      list: () => Promise.reject(new Error('spawn udevadm ENOENT')),
      devRoot: dev,
      sysRoot: sys,
    });
    expect(ports).toEqual([
      {
        path: join(dev, 'ttyACM0'),
        vid: 0x2e8a,
        pid: 0x0005,
        serialNumber: 'E6614C311B',
        manufacturer: 'MicroPython',
        product: 'Board in FS mode',
        identity: identifyUsbDevice(0x2e8a, 0x0005),
      },
      { path: join(dev, 'ttyUSB0'), vid: 0x1a86, pid: 0x7523, product: 'USB Serial', identity: identifyUsbDevice(0x1a86, 0x7523) },
    ]);
    expect(pickAutoPort(ports)).toMatchObject({ error: expect.stringContaining('several ports') });
  });

  it('uses SerialPort.list() when it works, parsing its hex IDs and sorting ttyACM2 before ttyACM10', async () => {
    const ports = await listPorts({
      list: async () => [
        { path: '/dev/ttyACM10', vendorId: '2E8A', productId: '0005', manufacturer: 'MicroPython' },
        { path: '/dev/ttyACM2', vendorId: '303a', productId: '4001', serialNumber: '' },
        { path: '/dev/ttyS0' },
      ],
      sysRoot: '/nonexistent',
    });
    expect(ports.map((p) => p.path)).toEqual(['/dev/ttyACM2', '/dev/ttyACM10', '/dev/ttyS0']);
    expect(ports[1]).toEqual({ path: '/dev/ttyACM10', vid: 0x2e8a, pid: 5, manufacturer: 'MicroPython', identity: identifyUsbDevice(0x2e8a, 5) });
    expect(ports[0]).not.toHaveProperty('serialNumber');
    expect(ports[2]!.identity.kind).toBe('unknown');
  });

  it('fills in IDs from sysfs when udevadm lists a USB port without them (no udev database)', async () => {
    const { dev, sys } = await fakeMachine();
    const ports = await listPorts({ list: async () => [{ path: join(dev, 'ttyUSB0'), manufacturer: 'wch.cn' }], sysRoot: sys });
    expect(ports).toEqual([
      { path: join(dev, 'ttyUSB0'), vid: 0x1a86, pid: 0x7523, manufacturer: 'wch.cn', product: 'USB Serial', identity: identifyUsbDevice(0x1a86, 0x7523) },
    ]);
  });
});
