/**
 * The serialport transport against a socat pty pair: the other pty plays the board.
 */
import { execFile } from 'node:child_process';
import { chmod, chown, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { TransportClosedError } from '../../protocol/errors.ts';
import type { Transport } from '../../protocol/transport.ts';
import { openNodeSerial, PortOpenError } from '../../device/transport/node-serial.ts';
import { startPtyPair, type PtyPair } from '../helpers/pty-pair.ts';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function pair(): Promise<PtyPair> {
  const ptys = await startPtyPair();
  cleanups.push(() => ptys.stop());
  return ptys;
}

async function open(path: string): Promise<Transport> {
  const transport = await openNodeSerial(path);
  cleanups.push(() => transport.close());
  return transport;
}

/** Collects what a transport receives; `until(n)` waits (with a deadline) for n bytes. */
function collect(transport: Transport) {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const waiters: Array<() => void> = [];
  transport.setReceiver((bytes) => {
    chunks.push(bytes);
    total += bytes.length;
    waiters.splice(0).forEach((wake) => wake());
  });
  const bytes = () => {
    const out = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) out.set(chunk, (at += chunk.length) - chunk.length);
    return out;
  };
  const until = async (n: number, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (total < n) {
      if (Date.now() > deadline) throw new Error(`received ${total} of ${n} bytes within ${ms} ms`);
      await new Promise<void>((wake) => {
        waiters.push(wake);
        setTimeout(wake, 50);
      });
    }
    return bytes();
  };
  return { bytes, until };
}

const text = (s: string) => new TextEncoder().encode(s);

async function expectOpenError(promise: Promise<unknown>): Promise<PortOpenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortOpenError);
  return error as PortOpenError;
}

describe('openNodeSerial over a pty pair', () => {
  it('opens a pty (whose DTR/RTS ioctl fails) and carries bytes both ways', async () => {
    const { a, b } = await pair();
    const left = await open(a);
    const right = await open(b);
    expect(left.label).toBe(a);
    const atRight = collect(right);
    const atLeft = collect(left);
    await left.write(text('print(1)\r\n'));
    await right.write(text('>>> '));
    expect(new TextDecoder().decode(await atRight.until(10))).toBe('print(1)\r\n');
    expect(new TextDecoder().decode(await atLeft.until(4))).toBe('>>> ');
  });

  it('keeps order across many unawaited writes of odd sizes, and counts bytesWritten', async () => {
    const { a, b } = await pair();
    const left = await open(a);
    const right = await open(b);
    const atRight = collect(right);
    const payload = new Uint8Array(200_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (i >> 8)) & 0xff;
    const writes: Promise<void>[] = [];
    for (let at = 0, size = 1; at < payload.length; at += size, size = (size * 7 + 3) % 4099 || 1) {
      writes.push(left.write(payload.subarray(at, Math.min(at + size, payload.length))));
    }
    await Promise.all(writes);
    expect(left.bytesWritten).toBe(payload.length);
    expect(right.bytesWritten).toBe(0);
    expect(await atRight.until(payload.length, 15_000)).toEqual(payload);
  });

  it('keeps bytes that arrive before a receiver is set', async () => {
    const { a, b } = await pair();
    const left = await open(a);
    const right = await open(b);
    await left.write(text('early'));
    await new Promise((r) => setTimeout(r, 200));
    expect(new TextDecoder().decode(await collect(right).until(5))).toBe('early');
  });

  it('close() resolves closed with undefined, is harmless twice, and later writes reject', async () => {
    const { a } = await pair();
    const left = await openNodeSerial(a);
    await left.close();
    await left.close();
    expect(await left.closed).toBeUndefined();
    await expect(left.write(text('x'))).rejects.toBeInstanceOf(TransportClosedError);
    // The lock went with the close: the port opens again.
    await (await open(a)).close();
  });

  it('when socat dies, closed resolves with an Error within 2 s and a pending write rejects', async () => {
    const ptys = await pair();
    const left = await open(ptys.a);
    // Nobody reads b, so socat stops draining a and this write stays pending.
    const pending = left.write(new Uint8Array(4 << 20));
    let settled = false;
    const outcome = pending
      .then(
        () => 'resolved',
        (e: unknown) => e,
      )
      .finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled, 'the 4 MB write should still be pending while nobody reads the other end').toBe(false);
    const killedAt = Date.now();
    await ptys.stop('SIGKILL');
    const reason = await Promise.race([left.closed, new Promise((r) => setTimeout(() => r('still open after 2 s'), 2000))]);
    expect(reason).toBeInstanceOf(TransportClosedError);
    expect(Date.now() - killedAt).toBeLessThan(2000);
    expect((reason as Error).message).toContain(ptys.a);
    expect(await outcome).toBeInstanceOf(TransportClosedError);
    await expect(left.write(text('x'))).rejects.toBeInstanceOf(TransportClosedError);
  });
});

describe('openNodeSerial errors name the port and the fix', () => {
  it('a missing path is port-not-found and points at `mpysync ports`', async () => {
    const error = await expectOpenError(openNodeSerial('/dev/ttyACM77'));
    expect(error.code).toBe('port-not-found');
    expect(error.port).toBe('/dev/ttyACM77');
    expect(error.message).toContain('no such port /dev/ttyACM77');
    expect(error.message).toContain('mpysync ports');
  });

  it('a port this process already holds is port-busy', async () => {
    const { a } = await pair();
    await open(a);
    const error = await expectOpenError(openNodeSerial(a));
    expect(error.code).toBe('port-busy');
    expect(error.message).toContain(`another program holds ${a}`);
  });

  it('refuses 1200 baud, which resets boards into their bootloader on close', async () => {
    const { a } = await pair();
    const error = await expectOpenError(openNodeSerial(a, { baudRate: 1200 }));
    expect(error.code).toBe('port-baud-1200');
    expect(error.message).toContain('bootloader');
  });

  it('a port the user may not open is port-permission, naming the group and the usermod fix', async () => {
    expect(process.getuid?.(), 'this test drops to user nobody, so it must run as root').toBe(0);
    const { a, b } = await pair();
    // Group dialout with rw: the message must tell nobody to join dialout.
    await chown(b, 0, 20);
    await chmod(b, 0o660);
    const groupShared = await openAsNobody(b);
    expect(groupShared.code).toBe('port-permission');
    expect(groupShared.message).toContain(`permission denied opening ${b}`);
    expect(groupShared.message).toContain('sudo usermod -aG dialout $USER');
    // Owner only (crw-------): joining the group would not help, and the message says so.
    await chmod(a, 0o600);
    expect((await stat(a)).mode & 0o777).toBe(0o600);
    const ownerOnly = await openAsNobody(a);
    expect(ownerOnly.code).toBe('port-permission');
    expect(ownerOnly.message).toContain(`permission denied opening ${a}`);
    expect(ownerOnly.message).toContain('crw-------');
    expect(ownerOnly.message).toContain('udev rule');
  });
});

/** Runs openNodeSerial as user `nobody` in a child process and returns its error. */
async function openAsNobody(path: string): Promise<{ code: string; message: string }> {
  const script = `
    const { openNodeSerial } = await import(${JSON.stringify(join(root, 'device/transport/node-serial.ts'))});
    try { const t = await openNodeSerial(${JSON.stringify(path)}); await t.close(); console.log(JSON.stringify({ code: 'opened', message: '' })); }
    catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
  const { stdout } = await run(
    'runuser',
    ['-u', 'nobody', '--', process.execPath, '--import', join(root, 'node_modules/tsx/dist/esm/index.mjs'), '--input-type=module', '-e', script],
    { cwd: root, timeout: 30_000, env: { ...process.env, TSX_DISABLE_CACHE: '1' } },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as { code: string; message: string };
}

describe('mpysync ports', () => {
  it('--json prints a JSON array of ports on this machine, even with no USB ports', async () => {
    const { stdout } = await run(process.execPath, [join(root, 'bin/mpysync.mjs'), 'ports', '--json'], {
      cwd: root,
      timeout: 60_000,
    });
    const ports = JSON.parse(stdout) as Array<{ path: string; identity: { kind: string; likelyMicroPython: boolean } }>;
    expect(Array.isArray(ports)).toBe(true);
    for (const port of ports) {
      expect(typeof port.path).toBe('string');
      expect(['micropython-native', 'usb-serial-bridge', 'unknown']).toContain(port.identity.kind);
    }
  });

  it('--json still answers when udevadm is missing (the fallback scan)', async () => {
    const { stdout } = await run(process.execPath, [join(root, 'bin/mpysync.mjs'), 'ports', '--json'], {
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, PATH: '/nonexistent' },
    });
    expect(Array.isArray(JSON.parse(stdout))).toBe(true);
  });
});
