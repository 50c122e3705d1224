/**
 * The exact cost of a small fixed sync to a fresh virtual board (MicroPython 1.27, deflate), and of
 * syncing it again unchanged. Counts are deterministic (seconds are not, and are never asserted):
 * a change that sends more bytes or makes more round trips fails here, and the new numbers must be
 * put in on purpose. bench/ measures the same at full size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBenchProject } from '../../bench/project.ts';
import { syncOneBoard } from '../../device/sync-runner.ts';
import { startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';

// 8 files in subfolders, half .mpy, 24 KB.
const files = generateBenchProject(3, { files: 8, bytes: 24_000 });
const project = { root: '(generated)', files, problems: [] };
const payload = files.reduce((n, f) => n + f.bytes.length, 0);

describe('transfer counts: a small fixed project to a fresh virtual board', () => {
  let board: BoardProcess;
  beforeAll(async () => {
    board = await startVirtualBoard();
  });
  afterAll(async () => board?.stop());

  it('a fresh sync sends exactly these bytes in exactly these round trips', async () => {
    const report = await syncOneBoard(board.port, project, { dest: '', deleteExtraneous: false, dryRun: false });
    expect(report.error, report.error ?? '').toBeNull();
    expect(report.uploaded).toHaveLength(8);
    expect({ payloadBytes: report.payloadBytes, wireBytesSent: report.wireBytesSent, roundTrips: report.roundTrips }).toEqual({
      payloadBytes: payload,
      // enter (with the raw-paste question) + probe/index (2.7 KB) + write prelude (1.5 KB) + the
      // files as deflate streams of at most 4 KB each (a 4 KB window: 16.1 KB where one 32 KB
      // window took 14.0 KB, the price of fitting a fragmented heap).
      wireBytesSent: 16_253,
      // enter (which learns the raw-paste window), the probe + index program, ONE write command for 8 files.
      roundTrips: 3,
    });
    expect(payload).toBe(19_672);
  });

  it('syncing it again sends 0 payload bytes in 2 round trips (enter, probe + index)', async () => {
    const report = await syncOneBoard(board.port, project, { dest: '', deleteExtraneous: false, dryRun: false });
    expect(report.error, report.error ?? '').toBeNull();
    expect(report.skipped, JSON.stringify(report.failed)).toHaveLength(8);
    expect({ payloadBytes: report.payloadBytes, wireBytesSent: report.wireBytesSent, roundTrips: report.roundTrips }).toEqual({
      payloadBytes: 0,
      wireBytesSent: 2_982,
      roundTrips: 2,
    });
  });
});
