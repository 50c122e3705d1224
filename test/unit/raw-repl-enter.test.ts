import { describe, expect, it } from 'vitest';
import { RawRepl, RawReplEnterError, TransportClosedError } from '../../protocol/repl/index.ts';
import { FakeBoard } from '../helpers/fake-board.ts';

const printer = (code: string) => ({ stdout: code.startsWith('print(') ? code.slice(7, -2) + '\r\n' : '' });

async function enterAndPrint(board: FakeBoard, deadlineMs = 3_000): Promise<RawRepl> {
  const repl = new RawRepl(board, { drainMs: 20 });
  await repl.enter({ deadlineMs });
  expect(await repl.run("print('ready')")).toBe('ready\r\n');
  return repl;
}

describe('RawRepl.enter', () => {
  it('does not wait out the whole pause after Ctrl-C when the board has answered it and gone quiet', async () => {
    const board = new FakeBoard({ run: printer });
    const repl = new RawRepl(board, { drainMs: 2_000 });
    const started = performance.now();
    await repl.enter();
    // An idle board answers Ctrl-C at once: the pause ends after its silence, not after drainMs.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await repl.run("print('ready')")).toBe('ready\r\n');
  });

  it('enters from the friendly REPL in one round trip, learning raw-paste on the way (an empty program, no reset)', async () => {
    const board = new FakeBoard({ run: printer });
    const repl = new RawRepl(board, { drainMs: 20 });
    await repl.enter();
    expect(repl.stats.roundTrips).toBe(1);
    expect(board.hostWrites.map((w) => [...w])).toEqual([
      [0x0d, 0x03],
      [0x0d, 0x01, 0x05, 0x41, 0x01, 0x04],
    ]);
    expect(repl.rawPaste).toBe('supported');
    expect(board.softResets).toBe(0);
    expect(board.executed.map((c) => c.length)).toEqual([0]);
    expect(await repl.run("print('ready')")).toBe('ready\r\n');
    expect(repl.stats.roundTrips).toBe(2);
  });

  for (const rawPaste of ['old-firmware', 'declines'] as const) {
    it(`firmware without raw-paste (${rawPaste}): the same one round trip learns it and soft-resets the board; a freshHeapIfPlain exec then needs no reset of its own`, async () => {
      const board = new FakeBoard({ run: printer, rawPaste, bootOutput: 'boot\r\n' });
      const repl = new RawRepl(board, { drainMs: 20 });
      await repl.enter();
      expect(repl.stats.roundTrips).toBe(1);
      expect(repl.rawPaste).toBe('unsupported');
      expect(board.softResets).toBe(1);
      expect(board.executed).toEqual([]);
      expect(await repl.run("print('fresh')", { freshHeapIfPlain: true })).toBe('fresh\r\n');
      expect(board.softResets).toBe(1);
      expect(repl.stats.roundTrips).toBe(2);
      // Something ran since: the next one is reset first.
      expect(await repl.run("print('again')", { freshHeapIfPlain: true })).toBe('again\r\n');
      expect(board.softResets).toBe(2);
      expect(repl.stats.roundTrips).toBe(4);
    });
  }

  it('the Ctrl-D after the question lost: the board waits in raw-paste mode; enter gives up on the answer, still has time, and gets in', async () => {
    // Host bytes: `\r\x03` (0, 1), then `\r\x01\x05A\x01\x04` (2–7).
    const board = new FakeBoard({ run: printer, dropHostByte: (index) => index === 7 });
    const repl = new RawRepl(board, { drainMs: 20 });
    await repl.enter(); // the default 2.5 s deadline, all spent waiting for the empty program's end
    expect(repl.stats.roundTrips).toBe(2);
    expect(board.softResets).toBe(0);
    expect(await repl.run("print('ready')")).toBe('ready\r\n');
    expect(repl.rawPaste).toBe('supported');
  }, 10_000);

  it('enters when the board is already in raw mode (banner without the leading \\r\\n)', async () => {
    const board = new FakeBoard({ run: printer, mode: 'raw' });
    await enterAndPrint(board);
  });

  it('interrupts a running program with Ctrl-C', async () => {
    const board = new FakeBoard({ run: printer, busy: { output: 'tick\r\n', everyMs: 5 } });
    await enterAndPrint(board);
    expect(board.interruptsReceived).toBe(1);
  });

  it('interrupts a program running from a previous raw REPL session', async () => {
    const board = new FakeBoard({ run: printer, mode: 'raw', busy: {} });
    await enterAndPrint(board);
  });

  it('sends Ctrl-C again on a later attempt when the program catches the first one', async () => {
    const board = new FakeBoard({ run: printer, busy: { interruptsNeeded: 2, output: 'working\r\n', everyMs: 5 } });
    const repl = await enterAndPrint(board, 4_000);
    expect(board.interruptsReceived).toBe(2);
    expect(repl.stats.roundTrips).toBeGreaterThanOrEqual(2);
  });

  it('ignores a noisy boot banner sent before connecting', async () => {
    const noise = new Uint8Array([0xff, 0x00, 0xfe, ...new TextEncoder().encode('ets Jun  8 2016 00:22:57\r\nrst:0x1 (POWERON_RESET)\r\n>>> raw REPL')]);
    const board = new FakeBoard({ run: printer, connectNoise: noise });
    await enterAndPrint(board);
  });

  it('soft-resets on request: boot.py runs, and the board is back at the raw prompt', async () => {
    const board = new FakeBoard({ run: printer, bootOutput: 'boot.py says hi\r\n' });
    const repl = new RawRepl(board, { drainMs: 20 });
    await repl.enter({ softReset: true });
    expect(board.softResets).toBe(1);
    expect(repl.stats.roundTrips).toBe(2);
    expect(await repl.run("print('after')")).toBe('after\r\n');
  });

  it('fails within the deadline on a port that echoes, saying what came back', async () => {
    const board = new FakeBoard({ peer: 'echo', label: '/dev/ttyS9' });
    const repl = new RawRepl(board, { drainMs: 20 });
    const started = Date.now();
    const error = await repl.enter({ deadlineMs: 600 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(RawReplEnterError);
    const message = (error as RawReplEnterError).message;
    expect((error as RawReplEnterError).code).toBe('no-raw-repl');
    expect(message).toContain('/dev/ttyS9');
    expect(message).toContain("got '\\r\\x03\\r\\x01");
    expect(message).toContain('is this a MicroPython board?');
    expect(message).toContain('echoes everything');
    expect(repl.stats.roundTrips).toBeGreaterThanOrEqual(2); // it retried
  });

  it('fails within the deadline on a silent port', async () => {
    const board = new FakeBoard({ peer: 'silent', label: '/dev/ttyUSB7' });
    const repl = new RawRepl(board, { drainMs: 20 });
    const started = Date.now();
    const error = await repl.enter({ deadlineMs: 500 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(RawReplEnterError);
    expect((error as Error).message).toMatch(/^could not enter the raw REPL on \/dev\/ttyUSB7: received nothing in 0\.5 s/);
  });

  it('fails on a board whose program ignores Ctrl-C and keeps printing, showing the output', async () => {
    const board = new FakeBoard({ busy: { interruptsNeeded: Infinity, output: 'still looping\r\n', everyMs: 10 } });
    const repl = new RawRepl(board, { drainMs: 20 });
    const error = await repl.enter({ deadlineMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RawReplEnterError);
    expect((error as Error).message).toContain('still looping');
    expect((error as Error).message).toContain('reset the board');
    await board.close();
  });

  it('rejects at once with TransportClosedError when the port goes away while waiting', async () => {
    const board = new FakeBoard({ peer: 'silent' });
    const repl = new RawRepl(board, { drainMs: 20 });
    setTimeout(() => board.disconnect(new Error('USB device unplugged')), 50);
    const started = Date.now();
    const error = await repl.enter({ deadlineMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportClosedError);
    expect((error as Error).message).toContain('USB device unplugged');
    expect(Date.now() - started).toBeLessThan(500);
  });
});
