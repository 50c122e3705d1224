import { describe, expect, it } from 'vitest';
import { runReadOnly } from '../../protocol/repl/index.ts';
import { RawRepl } from '../../protocol/repl/index.ts';
import { FakeBoard, traceback } from '../helpers/fake-board.ts';

/** A board whose `big` program raises MemoryError until it has been soft-reset `resetsNeeded` times. */
function boardWithFragmentedHeap(rawPaste: 'supported' | 'old-firmware', resetsNeeded: number) {
  const board: FakeBoard = new FakeBoard({
    rawPaste,
    run: (code) => {
      if (code !== 'big') return { stdout: 'small\r\n' };
      if (board.softResets >= resetsNeeded) return { stdout: 'fits\r\n' };
      return { error: traceback('MemoryError', 'memory allocation failed, allocating 1480 bytes') };
    },
  });
  return board;
}

describe("runReadOnly: mpysync's own read-only programs", () => {
  it('soft-resets once on MemoryError and runs the program again', async () => {
    const board = boardWithFragmentedHeap('supported', 1);
    const repl = new RawRepl(board, { drainMs: 10, plainRawPaceMs: 1 });
    await repl.enter();
    expect(await runReadOnly(repl, 'big')).toBe('fits\r\n');
    expect(board.softResets).toBe(1);
  });

  it('on a board without raw-paste, with freshHeapIfPlain: a reset before the program, one after the MemoryError, and no third before the retry', async () => {
    const board = boardWithFragmentedHeap('old-firmware', 2);
    const repl = new RawRepl(board, { drainMs: 10, plainRawPaceMs: 1 });
    await repl.enter();
    expect(await runReadOnly(repl, 'big', { freshHeapIfPlain: true })).toBe('fits\r\n');
    expect(board.softResets).toBe(2);
    expect(await runReadOnly(repl, 'big')).toBe('fits\r\n');
    expect(board.softResets).toBe(2);
  });

  it('passes other errors through untouched', async () => {
    const board = new FakeBoard({ run: () => ({ error: traceback('OSError', '[Errno 2] ENOENT') }) });
    const repl = new RawRepl(board, { drainMs: 10, plainRawPaceMs: 1 });
    await repl.enter();
    await expect(runReadOnly(repl, 'x')).rejects.toThrow(/OSError/);
    expect(board.softResets).toBe(0);
  });

  it('on a board without raw-paste, runs once more a program that came back with an error it cannot raise (its text damaged on the line)', async () => {
    let runs = 0;
    const board = new FakeBoard({
      rawPaste: 'old-firmware',
      run: () => (++runs === 1 ? { error: traceback('NameError', "name 'NNone' is not defined") } : { stdout: 'probed\r\n' }),
    });
    const repl = new RawRepl(board, { drainMs: 10, plainRawPaceMs: 1 });
    await repl.enter();
    expect(await runReadOnly(repl, 'probe')).toBe('probed\r\n');
    expect(runs).toBe(2);
  });

  it('says what happened when the text is damaged twice, and never runs again on a board with raw-paste (it has flow control)', async () => {
    const damaged = () => ({ error: traceback('NameError', "name 'NNone' is not defined") });
    const plain = new FakeBoard({ rawPaste: 'old-firmware', run: damaged });
    const plainRepl = new RawRepl(plain, { drainMs: 10, plainRawPaceMs: 1 });
    await plainRepl.enter();
    await expect(runReadOnly(plainRepl, 'probe')).rejects.toThrow(/NNone.*arrived damaged twice.*check the cable/);
    let runs = 0;
    const modern = new FakeBoard({ run: () => (runs++, damaged()) });
    const modernRepl = new RawRepl(modern, { drainMs: 10, plainRawPaceMs: 1 });
    await modernRepl.enter();
    await expect(runReadOnly(modernRepl, 'probe')).rejects.toThrow(/NNone' is not defined$/);
    expect(runs).toBe(1);
  });
});
