/** The Transport contract against `serialport` on a real pseudo-terminal, whose far end is `cat`. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TransportClosedError } from '../../protocol/errors.ts';
import { openNodeSerial } from '../../device/transport/node-serial.ts';
import { transportContract } from '../helpers/transport-contract.ts';

/** A pty served by Debian's socat with `cat` behind it: every byte comes back. */
async function echoPty(): Promise<{ path: string; stop: () => Promise<void> }> {
  const socat = spawn('socat', ['-d', '-d', 'PTY,raw,echo=0', 'EXEC:cat'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const path = await new Promise<string>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`socat did not report its pty: ${log}`)), 5000);
    socat.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error('this test needs Debian `socat` (apt-get install socat)') : error),
    );
    socat.stderr.setEncoding('utf8');
    socat.stderr.on('data', (t: string) => {
      log += t;
      const m = /PTY is (\/dev\/pts\/\d+)/.exec(log);
      if (m && log.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return {
    path,
    stop: async () => {
      socat.kill('SIGTERM');
      await exited;
    },
  };
}

describe('Transport contract: serialport over a pty', () => {
  transportContract(
    async () => {
      const pty = await echoPty();
      return { transport: await openNodeSerial(pty.path), goAway: pty.stop, dispose: pty.stop };
    },
    { deviceCanGoAway: true },
  );
});

describe('a pty whose far end goes away', () => {
  it('is noticed within 2 s every time, though its reads then return nothing rather than failing (10 tries)', async () => {
    const took: number[] = [];
    for (let i = 0; i < 10; i++) {
      const pty = await echoPty();
      const transport = await openNodeSerial(pty.path);
      transport.setReceiver(() => {});
      const started = performance.now();
      await pty.stop();
      const reason = await Promise.race([transport.closed, new Promise<'pending'>((r) => setTimeout(() => r('pending'), 2_000))]);
      expect(reason, `try ${i + 1}`).toBeInstanceOf(TransportClosedError);
      took.push(Math.round(performance.now() - started));
      await transport.close();
    }
    expect(took.every((ms) => ms < 2_000)).toBe(true);
  });
});
