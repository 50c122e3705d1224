import { describe, expect, it } from 'vitest';
import { runFreeingHeap } from '../../protocol/repl';
import { RawRepl } from '../../protocol/repl';
import { FakeBoard, traceback } from '../helpers/fake-board';

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

describe('runFreeingHeap', () => {
  it('soft-resets once on MemoryError and runs the program again', async () => {
    const board = boardWithFragmentedHeap('supported', 1);
    const repl = new RawRepl(board, { drainMs: 10, plainRawPaceMs: 1 });
    await repl.enter();
    expect(await runFreeingHeap(repl, 'big')).toBe('fits\r\n');
    expect(board.softResets).toBe(1);
  });

  it('on a board without raw-paste, with freshHeapIfPlain: a reset before the program, one after the MemoryError, and no third before the retry', async () => {
    const board = boardWithFragmentedHeap('old-firmware', 2);
    const repl = new RawRepl(board, { drainMs: 10, plainRawPaceMs: 1 });
    await repl.enter();
    expect(await runFreeingHeap(repl, 'big', { freshHeapIfPlain: true })).toBe('fits\r\n');
    expect(board.softResets).toBe(2);
    expect(await runFreeingHeap(repl, 'big')).toBe('fits\r\n');
    expect(board.softResets).toBe(2);
  });

  it('passes other errors through untouched', async () => {
    const board = new FakeBoard({ run: () => ({ error: traceback('OSError', '[Errno 2] ENOENT') }) });
    const repl = new RawRepl(board, { drainMs: 10, plainRawPaceMs: 1 });
    await repl.enter();
    await expect(runFreeingHeap(repl, 'x')).rejects.toThrow(/OSError/);
    expect(board.softResets).toBe(0);
  });
});
