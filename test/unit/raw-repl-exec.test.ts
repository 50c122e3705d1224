import { describe, expect, it } from 'vitest';
import { BoardError, BoardResetError, RawRepl, RawReplProtocolError, RawReplTimeoutError, TransportClosedError } from '../../protocol/repl/index.ts';
import { FakeBoard, traceback, type FakeBoardOptions, type FakeProgram } from '../helpers/fake-board.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A tiny "interpreter" for the fake board. */
const program: FakeProgram = (code) => {
  if (code === 'boom') return { stdout: 'before\r\n', error: traceback('OSError', '[Errno 2] ENOENT') };
  if (code === 'import sys; sys.exit()') return { stdout: 'bye\r\n', reset: true };
  if (code === 'while True: pass') return { runsUntilInterrupt: true };
  if (code === 'bad utf8') return { stdout: Uint8Array.of(0x61, 0xff, 0xfe, 0x62, 0x0d, 0x0a) };
  if (code.startsWith('echo:')) return { stdout: code.slice(5) };
  if (code.startsWith('ech')) return { stdout: '', error: traceback('SyntaxError', 'invalid syntax') }; // 'echo:' lost a byte
  return { stdout: `ran ${code.length} chars\r\n` };
};

async function connect(options: FakeBoardOptions = {}): Promise<{ board: FakeBoard; repl: RawRepl }> {
  const board = new FakeBoard({ run: program, ...options });
  const repl = new RawRepl(board, { drainMs: 10, plainRawPaceMs: 1 });
  await repl.enter();
  return { board, repl };
}

/** Code of exactly `size` bytes that the fake board echoes back. */
function bigCode(size: number): string {
  let body = '';
  for (let i = 0; body.length < size - 5; i++) body += `line ${i} ${'x'.repeat(i % 37)}\n`;
  return 'echo:' + body.slice(0, size - 5);
}

describe('RawRepl.exec', () => {
  it('separates stdout from the exception text', async () => {
    const { repl } = await connect();
    const ok = await repl.exec('print(1)');
    expect(text(ok.stdout)).toBe('ran 8 chars\r\n');
    expect(ok.error).toBe('');
    const failed = await repl.exec('boom');
    expect(text(failed.stdout)).toBe('before\r\n');
    expect(failed.error).toBe(traceback('OSError', '[Errno 2] ENOENT'));
  });

  it('run() throws BoardError with the traceback, exception type and message', async () => {
    const { repl } = await connect();
    const error = await repl.run('boom').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoardError);
    const boardError = error as BoardError;
    expect(boardError.code).toBe('board-exception');
    expect(boardError.exceptionType).toBe('OSError');
    expect(boardError.exceptionMessage).toBe('[Errno 2] ENOENT');
    expect(boardError.traceback).toContain('File "<stdin>", line 1');
    expect(boardError.message).toBe('the board raised OSError: [Errno 2] ENOENT');
    expect(await repl.run('echo:still fine')).toBe('still fine');
  });

  it('run() decodes invalid UTF-8 with replacement characters; exec keeps the raw bytes', async () => {
    const { repl } = await connect();
    expect(await repl.run('bad utf8')).toBe('a\uFFFD\uFFFDb\r\n');
    expect([...(await repl.exec('bad utf8')).stdout]).toEqual([0x61, 0xff, 0xfe, 0x62, 0x0d, 0x0a]);
  });

  it('streams stdout through onStdout, the same bytes as the result', async () => {
    const { repl } = await connect({ chunking: 'bytes' });
    const streamed: number[] = [];
    const result = await repl.exec('echo:' + 'abc'.repeat(50), { onStdout: (bytes) => streamed.push(...bytes) });
    expect(streamed).toEqual([...result.stdout]);
    expect(text(result.stdout)).toBe('abc'.repeat(50));
  });

  it('gives the same results whatever way the board output is chunked', async () => {
    const outcomes: string[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const chunking of ['whole', 'bytes', { random }] as const) {
      const { repl } = await connect({ chunking, window: 32 });
      const results = [await repl.exec('print(1)'), await repl.exec('boom'), await repl.exec(bigCode(300)), await repl.exec('bad utf8')];
      outcomes.push(JSON.stringify({ results: results.map((r) => [[...r.stdout], r.error]), stats: repl.stats }));
    }
    expect(outcomes[1]).toBe(outcomes[0]);
    expect(outcomes[2]).toBe(outcomes[0]);
  });

  it('framing: stdout holding \\x04 is recovered from where the reply really ends, and the session stays in sync', async () => {
    const { repl } = await connect({
      run: (code) =>
        code === 'eot' ? { stdout: 'a\x04b\x04c' } : code === 'eot-boom' ? { stdout: 'x\x04y', error: traceback('ValueError', 'v') } : { stdout: 'plain' },
    });
    const streamed: number[] = [];
    const clean = await repl.exec('eot', { onStdout: (b) => streamed.push(...b) });
    expect(text(clean.stdout)).toBe('a\x04b\x04c');
    expect(clean.error).toBe('');
    expect(streamed).toEqual([...clean.stdout]);
    const failed = await repl.exec('eot-boom');
    expect(text(failed.stdout)).toBe('x\x04y');
    expect(failed.error).toBe(traceback('ValueError', 'v'));
    expect(await repl.run('next')).toBe('plain');
  });

  it('refuses code holding raw REPL control bytes instead of corrupting the session', async () => {
    const { repl } = await connect();
    await expect(repl.exec('print("\x04")')).rejects.toMatchObject({ code: 'unsendable-code' });
    expect(await repl.run('echo:ok')).toBe('ok');
  });
});

describe('raw-paste flow control', () => {
  for (const window of [32, 128]) {
    it(`sends 10 KB intact within the credit of a ${window}-byte window`, async () => {
      const { board, repl } = await connect({ window, chunking: 'bytes' });
      const code = bigCode(10_240);
      const before = repl.stats.roundTrips;
      const creditsBefore = repl.stats.creditWaits;
      const result = await repl.exec(code);
      expect(text(result.stdout)).toBe(code.slice(5));
      expect(text(board.executed.at(-1)!)).toBe(code);
      expect(board.creditViolations).toBe(0);
      expect(repl.rawPaste).toBe('supported');
      // the window was learned on entering: the request goes with the code; the windows after the
      // first two are credit waits, and the final reply is the one round trip
      expect(repl.stats.roundTrips - before).toBe(1);
      expect(repl.stats.creditWaits - creditsBefore).toBe(Math.ceil((10_240 - 2 * window) / window));
    });
  }

  it('a small command costs ONE round trip once the window is known (pipelined)', async () => {
    const { board, repl } = await connect();
    expect(repl.rawPaste).toBe('supported'); // learned on entering
    const afterEnter = repl.stats.roundTrips;
    await repl.exec('print(1)');
    expect(repl.stats.roundTrips - afterEnter).toBe(1);
    for (const size of [10, 200, 256]) {
      const before = repl.stats.roundTrips;
      const writes = board.hostWrites.length;
      const result = await repl.exec(bigCode(size));
      expect(text(result.stdout)).toBe(bigCode(size).slice(5));
      expect(repl.stats.roundTrips - before).toBe(1);
      expect(board.hostWrites.length - writes).toBe(1); // request + code + \x04 in one write
    }
    const before = repl.stats.roundTrips;
    const creditsBefore = repl.stats.creditWaits;
    await repl.exec(bigCode(257)); // one byte more than 2 windows: needs one credit
    expect(repl.stats.roundTrips - before).toBe(1);
    expect(repl.stats.creditWaits - creditsBefore).toBe(1);
    expect(board.creditViolations).toBe(0);
    expect(board.rawPasteRequests).toBe(6); // entering, then each command
  });

  it('when a byte of the question sent on entering is lost, enter falls back and the first exec asks (handshake + reply)', async () => {
    // Host byte 6 is the second \x01 of `\r\x03` `\r\x01\x05A\x01\x04`: the board then runs `\x05A`
    // as code (OK, a SyntaxError), which is no answer to the question.
    const { board, repl } = await connect({ dropHostByte: (index) => index === 6 });
    expect(repl.rawPaste).toBe('unknown');
    expect(repl.stats.roundTrips).toBe(2); // the first attempt, then a plain Ctrl-A
    const before = repl.stats.roundTrips;
    expect(await repl.run('echo:after')).toBe('after');
    expect(repl.rawPaste).toBe('supported');
    expect(repl.stats.roundTrips - before).toBe(2);
    expect(board.creditViolations).toBe(0);
  });

  it('stops and sends \\x04 when the board stops reading early (compile error)', async () => {
    const { board, repl } = await connect({ window: 32, syntaxErrorAfterBytes: 100 });
    const result = await repl.exec(bigCode(2_000));
    expect(result.error).toContain('SyntaxError: invalid syntax');
    const sent = board.hostWrites.slice(2).reduce((n, w) => n + w.length, 0);
    expect(sent).toBeLessThan(3 + 2_000); // it did not send everything
    const eofs = board.hostWrites
      .slice(2)
      .flatMap((w) => [...w])
      .filter((b) => b === 0x04);
    expect(eofs).toEqual([0x04]); // exactly one, or the board would soft-reset on a second one
    expect(await repl.run('echo:next')).toBe('next');
    expect(board.softResets).toBe(0);
  });
});

describe('fallback without raw-paste', () => {
  it('old firmware (raw banner reply): the first exec falls back and works; later ones do not retry', async () => {
    const { board, repl } = await connect({ rawPaste: 'old-firmware' });
    expect(text((await repl.exec('print(1)')).stdout)).toBe('ran 8 chars\r\n');
    expect(repl.rawPaste).toBe('unsupported');
    const code = bigCode(10_240);
    expect(await repl.run(code)).toBe(code.slice(5));
    const boom = await repl.exec('boom');
    expect(boom.error).toContain('OSError');
    expect(board.rawPasteRequests).toBe(1);
    const before = repl.stats.roundTrips;
    await repl.exec('print(2)');
    expect(repl.stats.roundTrips - before).toBe(1);
  });

  it('freshHeapIfPlain: a board without raw-paste is soft-reset before the code goes (on the first exec too); one with raw-paste is not', async () => {
    const plain = await connect({ rawPaste: 'old-firmware', bootOutput: 'boot\r\n' });
    expect(await plain.repl.run('echo:first', { freshHeapIfPlain: true })).toBe('first');
    expect(plain.board.softResets).toBe(1);
    expect(await plain.repl.run('echo:second')).toBe('second');
    expect(plain.board.softResets).toBe(1);
    expect(await plain.repl.run('echo:third', { freshHeapIfPlain: true })).toBe('third');
    expect(plain.board.softResets).toBe(2);
    const modern = await connect({});
    expect(await modern.repl.run('echo:paste', { freshHeapIfPlain: true })).toBe('paste');
    expect(modern.board.softResets).toBe(0);
  });

  it('thenFreshHeapIfPlain: the soft reset goes with the code and costs no round trip; the next freshHeapIfPlain exec needs none', async () => {
    const plain = await connect({ rawPaste: 'old-firmware', bootOutput: 'boot\r\n' });
    expect(plain.board.softResets).toBe(1); // on entering
    await plain.repl.run('echo:x'); // something ran: the heap is no longer fresh
    const before = plain.repl.stats.roundTrips;
    expect(await plain.repl.run('echo:index', { thenFreshHeapIfPlain: true })).toBe('index');
    expect(plain.board.softResets).toBe(2);
    expect(plain.repl.stats.roundTrips - before).toBe(1);
    expect([...plain.board.hostWrites.at(-1)!].slice(-2)).toEqual([0x04, 0x04]);
    expect(await plain.repl.run('echo:write', { freshHeapIfPlain: true })).toBe('write');
    expect(plain.board.softResets).toBe(2);
    expect(plain.repl.stats.roundTrips - before).toBe(2);

    const modern = await connect({});
    expect(await modern.repl.run('echo:index', { thenFreshHeapIfPlain: true })).toBe('index');
    expect(modern.board.softResets).toBe(0);
  });

  it("thenFreshHeapIfPlain with the code's own Ctrl-D lost: the second one ends the code, no reset comes, and the next exec enters again and resets", async () => {
    let armed = false;
    const plain = await connect({ rawPaste: 'old-firmware', dropHostByte: (_, byte) => (armed && byte === 0x04 ? ((armed = false), true) : false) });
    await plain.repl.run('echo:x');
    armed = true;
    expect(await plain.repl.run('echo:index', { thenFreshHeapIfPlain: true })).toBe('index');
    expect(plain.board.softResets).toBe(1); // only the one on entering
    const writes = plain.board.hostWrites.length;
    expect(await plain.repl.run('echo:write', { freshHeapIfPlain: true })).toBe('write');
    expect(plain.board.softResets).toBe(2);
    expect(plain.board.hostWrites.slice(writes).some((w) => w.length === 2 && w[0] === 0x0d && w[1] === 0x03)).toBe(true); // entered again
  }, 10_000);

  it('a board answering R\\x00 falls back to plain raw mode', async () => {
    const { board, repl } = await connect({ rawPaste: 'declines' });
    expect(await repl.run('echo:plain')).toBe('plain');
    expect(await repl.run('echo:again')).toBe('again');
    expect(repl.rawPaste).toBe('unsupported');
    expect(board.rawPasteRequests).toBe(1);
  });
});

describe('resets and failures', () => {
  it('softReset() restarts the board and stays in raw mode', async () => {
    const { board, repl } = await connect({ bootOutput: 'boot.py output\r\n' });
    await repl.softReset();
    expect(board.softResets).toBe(1);
    expect(await repl.run('echo:after reset')).toBe('after reset');
  });

  it('a board that resets itself during exec gives BoardResetError, and the next exec works', async () => {
    for (const rawPaste of ['supported', 'old-firmware'] as const) {
      const { board, repl } = await connect({ rawPaste, bootOutput: 'boot.py ran\r\n' });
      const error = await repl.exec('import sys; sys.exit()').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BoardResetError);
      expect((error as BoardResetError).message).toContain('reset itself while running the command (sys.exit() or machine.soft_reset()?)');
      expect(text((error as BoardResetError).stdout)).toBe('bye\r\n');
      const enters = board.hostWrites.filter((w) => w[0] === 0x0d && w[1] === 0x01).length;
      expect(await repl.run('echo:alive')).toBe('alive');
      expect(board.hostWrites.filter((w) => w[0] === 0x0d && w[1] === 0x01).length).toBe(enters); // no re-enter needed
    }
  });

  it('times out when the board goes quiet, then the next exec interrupts it and works', async () => {
    const { board, repl } = await connect();
    const error = await repl.exec('while True: pass', { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RawReplTimeoutError);
    expect((error as Error).message).toMatch(/sent nothing for 0\.15 s while mpysync waited for the output of the command/);
    expect(await repl.run('echo:recovered')).toBe('recovered');
    expect(board.interruptsReceived).toBe(1);
  });

  it('rejects quickly with TransportClosedError when the port closes mid-exec', async () => {
    const { board, repl } = await connect();
    setTimeout(() => board.disconnect(new Error('board process killed')), 30);
    const started = Date.now();
    const error = await repl.exec('while True: pass', { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportClosedError);
    expect((error as Error).message).toBe('the connection to fake board closed: board process killed');
    expect(Date.now() - started).toBeLessThan(500);
    await expect(repl.exec('print(1)')).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('reports an unexpected answer to OK as a protocol error, then recovers on the next exec', async () => {
    const { board, repl } = await connect({ rawPaste: 'old-firmware' });
    await repl.exec('print(0)');
    // Simulate a stray device message arriving where 'OK' belongs: the board answers 'Xx'.
    const realWrite = board.write.bind(board);
    let injected = false;
    board.write = async (bytes) => {
      await realWrite(bytes);
      if (!injected && bytes.at(-1) === 0x04) {
        injected = true;
        (board as unknown as { receiver: (b: Uint8Array) => void }).receiver(new TextEncoder().encode('Xx'));
      }
    };
    const error = await repl.exec('print(1)').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RawReplProtocolError);
    expect((error as Error).message).toContain("answered 'Xx'");
    expect(await repl.run('echo:fine')).toBe('fine');
  });

  it('exitRaw() returns to the friendly REPL; the next exec enters raw mode again', async () => {
    const { board, repl } = await connect();
    await repl.exitRaw();
    expect([...board.hostWrites.at(-1)!]).toEqual([0x0d, 0x02]);
    expect(await repl.run('echo:back')).toBe('back');
  });

  it('queues concurrent calls instead of interleaving them', async () => {
    const { repl } = await connect({ chunking: 'bytes' });
    const results = await Promise.all([repl.run('echo:one'), repl.run('echo:two'), repl.run('echo:three')]);
    expect(results).toEqual(['one', 'two', 'three']);
  });
});

describe('plain raw mode on a line that loses bytes', () => {
  it('recovers a lost closing Ctrl-D: clears the board input with Ctrl-C and sends the code again, once', async () => {
    let armed = false;
    let dropped = 0;
    const { board, repl } = await connect({
      rawPaste: 'old-firmware',
      dropHostByte: (_index, byte) => {
        if (armed && byte === 0x04 && dropped === 0) {
          dropped++;
          return true;
        }
        return false;
      },
    });
    await repl.exec('echo:warm-up'); // learns that there is no raw-paste
    armed = true;
    const executedBefore = board.executed.length;
    const result = await repl.exec('echo:hello');
    expect(dropped).toBe(1);
    expect(text(result.stdout)).toBe('hello');
    expect(result.error).toBe('');
    expect(board.executed.slice(executedBefore).map(text)).toEqual(['echo:hello']);
    // The next command is unaffected.
    expect(text((await repl.exec('echo:next')).stdout)).toBe('next');
  }, 15_000);

  it('sends a command that arrived too damaged to compile once more (nothing ran), and a real syntax error comes back as is', async () => {
    let armed = false;
    let dropped = 0;
    const { board, repl } = await connect({
      rawPaste: 'old-firmware',
      dropHostByte: (_index, byte) => {
        if (armed && byte === 0x6f /* the 'o' of 'echo:' */ && dropped === 0) {
          dropped++;
          return true;
        }
        return false;
      },
    });
    await repl.exec('echo:warm-up');
    armed = true;
    const executedBefore = board.executed.length;
    const result = await repl.exec('echo:again');
    expect(dropped).toBe(1);
    expect(result.error).toBe('');
    expect(text(result.stdout)).toBe('again');
    expect(board.executed.slice(executedBefore).map(text)).toEqual(['ech:again', 'echo:again']);
    const real = await repl.exec('ech: a real syntax error');
    expect(real.error).toMatch(/SyntaxError: invalid syntax/);
  });
});
