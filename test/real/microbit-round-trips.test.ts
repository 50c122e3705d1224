/**
 * Round trips of a sync to the BBC micro:bit (MicroPython 1.9.2 in qemu: no raw-paste, a 5 KB heap
 * that needs a soft reset before each of its larger programs). Counts are deterministic: entering
 * asks the raw-paste question and soft-resets in one write, the index sends the write commands'
 * reset along with its code, so an unchanged re-sync is enter + probe + index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncOneBoard } from '../../device/sync-runner.ts';
import type { LocalFile } from '../../protocol/plan/plan.ts';
import { startMicrobit, type BoardProcess } from '../helpers/boards.ts';
import { runCli } from '../helpers/cli.ts';

const enc = new TextEncoder();
const file = (relative: string, text: string) => ({ relative, bytes: enc.encode(text) }) as LocalFile;
const files = [file('alpha.py', 'A = 1\n' + '# alpha\n'.repeat(120)), file('beta.py', 'B = 2\n' + '# beta\n'.repeat(150))];
const project = (list: LocalFile[]) => ({ root: '(test)', files: list, problems: [] });
const options = { dest: '', deleteExtraneous: false, dryRun: false };

describe('round trips of a sync to the micro:bit', () => {
  let microbit: BoardProcess;
  beforeAll(async () => {
    microbit = await startMicrobit();
  });
  afterAll(async () => microbit?.stop());

  // The board's id is asked with the index, not the probe: it does not lower the free heap the
  // probe measures (probe-program.ts, ID_SNIPPET), and the write commands stay as large.
  it('a fresh sync of 2 files: enter, probe, index (with the id), one write command', async () => {
    const report = await syncOneBoard(microbit.port, project(files), options);
    expect(report.error, report.error ?? '').toBeNull();
    expect(report.uploaded.sort()).toEqual(['alpha.py', 'beta.py']);
    expect(report.roundTrips).toBe(4);
    expect(report.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('syncing it again unchanged: 3 round trips (enter, probe, index)', async () => {
    const report = await syncOneBoard(microbit.port, project(files), options);
    expect(report.error, report.error ?? '').toBeNull();
    expect(report.skipped).toHaveLength(2);
    expect(report.roundTrips).toBe(3);
  });

  it('one file changed: 4 round trips, and the module imports with its new value', async () => {
    const changed = [files[0]!, file('beta.py', 'B = 3\n' + '# beta\n'.repeat(150))];
    const report = await syncOneBoard(microbit.port, project(changed), options);
    expect(report.error, report.error ?? '').toBeNull();
    expect(report.uploaded).toEqual(['beta.py']);
    expect(report.roundTrips).toBe(4);
    const run = await runCli(['exec', 'import alpha, beta\nprint(alpha.A, beta.B)', '--port', microbit.port]);
    expect(run.stdout.toString().trim()).toBe('1 3');
  });

  it('each session starts with a soft reset on this board: what an earlier session defined is gone', async () => {
    expect((await runCli(['exec', 'left_over = 42', '--port', microbit.port])).code).toBe(0);
    const run = await runCli(['exec', "print('left_over' in globals())", '--port', microbit.port]);
    expect(run.stdout.toString().trim()).toBe('False');
  });
});
