/**
 * The Transport contract (protocol/transport.ts), as one suite every implementation runs. Each
 * subject is a transport whose far end echoes what it is sent (an echo peer, a `cat` behind a pty,
 * or MicroPython's friendly REPL, which echoes what is typed).
 */
import { expect, it } from 'vitest';
import { TransportClosedError } from '../../protocol/errors.ts';
import type { Transport } from '../../protocol/transport.ts';

export interface ContractSubject {
  transport: Transport;
  /** The device goes away (unplugged, the process behind it killed). */
  goAway?: () => Promise<void>;
  dispose?: () => Promise<void>;
}

const text = (chunks: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(chunks));
const enc = (s: string) => new TextEncoder().encode(s);

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `deviceCanGoAway: false` for a board that lives in this process (the in-page board): its only end is close(). */
export function transportContract(make: () => Promise<ContractSubject>, options: { deviceCanGoAway: boolean }): void {
  const withSubject = (test: (s: ContractSubject) => Promise<void>) => async () => {
    const subject = await make();
    try {
      await test(subject);
    } finally {
      await subject.transport.close();
      await subject.dispose?.();
    }
  };

  it(
    'overlapping writes (not awaited) arrive whole and in call order; bytesWritten counts them',
    withSubject(async ({ transport }) => {
      const got: Uint8Array[] = [];
      transport.setReceiver((b) => got.push(b));
      const before = transport.bytesWritten;
      await Promise.all(['ab', 'cdef', 'g', 'hij'].map((s) => transport.write(enc(s))));
      expect(transport.bytesWritten - before).toBe(10);
      await until(() => text(got).includes('abcdefghij'), 'the echo of abcdefghij');
    }),
  );

  it(
    'bytes that arrive before a receiver is set are kept for it',
    withSubject(async ({ transport }) => {
      await transport.write(enc('early'));
      await new Promise((r) => setTimeout(r, 300));
      const got: Uint8Array[] = [];
      transport.setReceiver((b) => got.push(b));
      await until(() => text(got).includes('early'), 'the bytes received before setReceiver');
    }),
  );

  it(
    'close(): closed resolves with undefined, a second close is harmless, a write after it rejects with TransportClosedError',
    withSubject(async ({ transport }) => {
      transport.setReceiver(() => {});
      await transport.close();
      await expect(transport.closed).resolves.toBeUndefined();
      await transport.close();
      await expect(transport.write(enc('x'))).rejects.toBeInstanceOf(TransportClosedError);
    }),
  );

  if (!options.deviceCanGoAway) return;
  it(
    'the device going away: closed resolves with an Error, and writes reject with TransportClosedError',
    withSubject(async ({ transport, goAway }) => {
      transport.setReceiver(() => {});
      await goAway!();
      const reason = await Promise.race([transport.closed, new Promise<'pending'>((r) => setTimeout(() => r('pending'), 5000))]);
      expect(reason).toBeInstanceOf(Error);
      let error: unknown;
      for (let i = 0; i < 20 && !error; i++) {
        await transport.write(enc('x')).catch((e: unknown) => (error = e));
        if (!error) await new Promise((r) => setTimeout(r, 50));
      }
      expect(error).toBeInstanceOf(TransportClosedError);
    }),
  );
}
