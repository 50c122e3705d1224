/**
 * A real MicroPython (the WebAssembly port) with a bounded, fragmented heap, as a real RP2040 is
 * after a program ran: gc.mem_free() says plenty, no free block is larger than 3 KB. 100 KB files
 * must still arrive whole (docs/reliability.md).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';

/** A 100 KB module of many small functions: it compresses, as real source does. */
function bigModule(name: string): string {
  let text = '';
  for (let i = 0; text.length < 100_000; i++)
    text += `def ${name}_${i}(x):\n    return x * ${(i * 7919) % 1000} + ${JSON.stringify('v' + (i * 31337).toString(36))}\n`;
  return text;
}

describe('a virtual board with a 256 KB heap left in 3 KB pieces (mpysync virtual --heap 256K --fragment 3K)', () => {
  let board: BoardProcess;
  const project = mkdtempSync(join(tmpdir(), 'mpysync-heap-'));
  writeFileSync(join(project, 'big0.py'), bigModule('a'));
  writeFileSync(join(project, 'big1.py'), bigModule('b'));
  beforeAll(async () => {
    board = await startVirtualBoard({ heapBytes: 256 * 1024, fragmentBytes: 3 * 1024 });
  });
  afterAll(async () => board?.stop());

  it('is what a real fragmented board is: a large free total, and no 8 KB block', async () => {
    const run = await runCli([
      'exec',
      'import gc\ngc.collect()\nprint(gc.mem_free() > 100_000)\ntry:\n b = bytes(8192)\nexcept MemoryError as e:\n print("MemoryError", e)',
      '--port',
      board.port,
    ]);
    expect(run.stdout).toContain('True');
    expect(run.stdout).toMatch(/MemoryError memory allocation failed, allocating 819\d bytes/);
  });

  it('syncs 100 KB files: the first try runs out of memory, is said in words, and smaller pieces arrive whole', async () => {
    const { json } = await runCliJson<{ boards: any[] }>(['sync', project, '--port', board.port], { timeoutMs: 120_000 });
    const b = json.boards[0];
    expect(b.failed).toEqual([]);
    expect(b.uploaded.sort()).toEqual(['big0.py', 'big1.py']);
    expect(b.retried.length).toBeGreaterThan(0);
    expect(b.retried[0].error).toMatch(
      /^mpysync: big\d\.py: the board raised MemoryError: memory allocation failed, allocating \d+ bytes: the board ran out of memory in one piece/,
    );
    for (const r of b.retried) expect(r.error).not.toMatch(/damaged/);
    // The recovery soft-reset the board, which freed what the program had left in pieces.
    const check = await runCli(['exec', "print('_mps_frag' in globals())", '--port', board.port]);
    expect(check.stdout.trim()).toBe('False');
    // Whole: the board's own hash of each file is the host's.
    const again = await runCliJson<{ boards: any[] }>(['sync', project, '--port', board.port], { timeoutMs: 60_000 });
    expect(again.json.boards[0].skipped.sort(), JSON.stringify(again.json.boards[0].plan ?? again.json.boards[0])).toEqual(['big0.py', 'big1.py']);
  });
});
