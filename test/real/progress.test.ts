/**
 * Progress that moves (issue 16): over a 115200-baud line, as an ESP32 behind a USB-serial bridge
 * gives, one file's bytes take seconds; the protocol tells how many have gone while they flow,
 * not only when the file has landed.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncOneBoard } from '../../device/sync-runner.ts';
import { startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';

describe('progress while one large file crosses a 115200-baud line', () => {
  let board: BoardProcess;
  beforeAll(async () => {
    board = await startVirtualBoard({ baud: 115_200 });
  });
  afterAll(async () => board?.stop());

  it('takes many values before the file lands, never goes back, and comes at least every second', async () => {
    // 40 KB that do not compress (SHA-256 blocks): about 5 s on the line.
    const bytes = new Uint8Array(Buffer.concat(Array.from({ length: 1250 }, (_, i) => createHash('sha256').update(String(i)).digest())));
    const events: Array<{ at: number; done: number; total: number }> = [];
    let landedAt = 0;
    const report = await syncOneBoard(board.port, { root: '', files: [{ relative: 'blob.bin', bytes }], problems: [] }, { dest: '' }, (event) => {
      if (event.type === 'progress') events.push({ at: Date.now(), done: event.doneBytes, total: event.totalBytes });
      if (event.type === 'file-done') landedAt = Date.now();
    });
    expect(report.uploaded).toEqual(['blob.bin']);
    const before = events.filter((e) => e.at < landedAt);
    expect(new Set(before.map((e) => e.done)).size, JSON.stringify(events)).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < events.length; i++) expect(events[i]!.done).toBeGreaterThanOrEqual(events[i - 1]!.done);
    expect(events.at(-1)).toMatchObject({ done: bytes.length, total: bytes.length });
    const gaps = before.slice(1).map((e, i) => e.at - before[i]!.at);
    expect(Math.max(...gaps)).toBeLessThan(1000);
    console.info(`${events.length} progress events; largest gap before the file landed ${Math.max(...gaps)} ms`);
  });
});
