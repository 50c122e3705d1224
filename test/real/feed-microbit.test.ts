/**
 * Files fed to the BBC micro:bit (MicroPython 1.9.2 in qemu) as raw bytes that the write program
 * reads from the console on credit (protocol/repl/feed.ts, FEED_READER in transfer/write-program.ts): every
 * byte value arrives, the board asks for every piece, and a host that goes away or a board that
 * fails in the middle of a file leaves the old file and a board that answers again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBoard } from '../../device/connect.ts';
import { boardHash } from '../../protocol/board-hash.ts';
import { readRemote } from '../../protocol/board-ops/board-ops.ts';
import { probeAndPlan } from '../../protocol/session/probe-and-plan.ts';
import type { LocalFile } from '../../protocol/plan/plan.ts';
import { FEED_PIECE, FEED_STALL_MS, FEED_WINDOW } from '../../protocol/repl/feed.ts';
import { executePlan, transferSettings } from '../../protocol/transfer/index.ts';
import { startMicrobit, type BoardProcess } from '../helpers/boards.ts';
import { runCli } from '../helpers/cli.ts';

const enc = new TextEncoder();

/** Every byte value four times over, the console's control bytes (0x03 Ctrl-C, 0x04, 0x06) included. */
const EVERY_BYTE = Uint8Array.from({ length: 1024 }, (_, i) => (i * 167) & 0xff);
const TEXT = enc.encode(Array.from({ length: 60 }, (_, i) => `VALUE_${i} = ${i * i}  # line ${i}\n`).join(''));

function local(relative: string, bytes: Uint8Array): LocalFile {
  return { relative, bytes } as LocalFile;
}

async function sync(port: string, files: LocalFile[], onProgress?: (doneBytes: number, close: () => Promise<void>) => void) {
  const board = await openBoard(port);
  try {
    const { probe, plan } = await probeAndPlan(board.repl, files, { dest: '' });
    const stats0 = board.repl.stats;
    const outcome = await executePlan(board.repl, plan, new Map(files.map((f) => [f.relative, f.bytes])), probe, (event) => {
      if (event.type === 'progress') onProgress?.(event.doneBytes, () => board.transport.close());
    });
    const stats = board.repl.stats;
    return { probe, plan, outcome, stats, creditWaits: stats.creditWaits - stats0.creditWaits };
  } finally {
    await board.close();
  }
}

async function read(port: string, path: string): Promise<Uint8Array> {
  const board = await openBoard(port);
  try {
    return await readRemote(board.repl, path);
  } finally {
    await board.close();
  }
}

describe('files fed to the micro:bit as raw bytes', () => {
  // A fresh board (an empty file system) for each test: the firmware's own file system can corrupt
  // itself when files are replaced in a nearly full flash (micropython-microbit-v2 issue #231;
  // seen here too, see docs/reliability.md), and one test must not set up the next one's failure.
  let microbit: BoardProcess;
  beforeEach(async () => {
    microbit = await startMicrobit();
  });
  afterEach(async () => microbit?.stop());

  it('every byte value arrives, the board asks for every piece, within 2 round trips per file + 1 per 4 KB', async () => {
    const files = [local('bytes.bin', EVERY_BYTE), local('values.py', TEXT), local('empty.py', new Uint8Array(0))];
    const { probe, outcome, stats, creditWaits } = await sync(microbit.port, files);
    expect(probe.features.consoleInput).toBe(true);
    expect(transferSettings(probe).feed).toBe(true);
    expect(outcome.failed).toEqual([]);
    expect(outcome.uploaded.sort()).toEqual(['bytes.bin', 'empty.py', 'values.py']);
    // The board granted one credit per 31-byte piece; all but the first window are counted.
    const pieces = files.reduce((n, f) => n + Math.ceil(f.bytes.length / FEED_PIECE), 0);
    expect(creditWaits).toBe(pieces - FEED_WINDOW);
    expect(stats.roundTrips).toBeLessThanOrEqual(2 * files.length + Math.ceil(stats.bytesWritten / 4096));
    expect(Buffer.from(await read(microbit.port, 'bytes.bin')).equals(Buffer.from(EVERY_BYTE))).toBe(true);
    expect(Buffer.from(await read(microbit.port, 'values.py')).equals(Buffer.from(TEXT))).toBe(true);
    const run = await runCli(['exec', 'import values\nprint(values.VALUE_59)', '--port', microbit.port]);
    expect(run.stdout.toString().trim()).toBe('3481');
  });

  it('the host goes away in the middle of a file: the old file stays, and the board answers again within seconds', async () => {
    const old = enc.encode('STATE = "old"\n');
    expect((await sync(microbit.port, [local('state.py', old)])).outcome.failed).toEqual([]);
    const next = enc.encode('STATE = "new"\n' + '# padding\n'.repeat(500));
    let closed = false;
    const attempt = sync(microbit.port, [local('state.py', next)], (doneBytes, close) => {
      // The first progress comes with the first piece fed; later ones at most every 200 ms.
      if (!closed && doneBytes > 0 && doneBytes < next.length) {
        closed = true;
        void close();
      }
    });
    await expect(attempt).rejects.toThrow(/closed|gone|went away/i);
    expect(closed).toBe(true);
    const gaveUpAt = Date.now();
    // The board's reader gives up FEED_STALL_MS after its last piece; a client that comes after
    // that gets in on its first try (one that comes sooner may find the reader still waiting,
    // and its Ctrl-C taken for data: its 2.5 s deadline usually covers that, see reliability.md).
    await new Promise((resolve) => setTimeout(resolve, FEED_STALL_MS + 300));
    const run = await runCli(['exec', "import os\nprint(open('state.py').read(), sorted(os.listdir()))", '--port', microbit.port]);
    console.info(
      `a command started ${FEED_STALL_MS + 300} ms after the host went away had its answer ${Date.now() - gaveUpAt} ms after (stall limit ${FEED_STALL_MS} ms)`,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.toString()).toContain('STATE = "old"');
    // The reader removed its half-written temporary file when it gave up.
    expect(run.stdout.toString()).not.toContain('~mps');
    const again = await sync(microbit.port, [local('state.py', next)]);
    expect(again.outcome.failed).toEqual([]);
    expect(boardHash(await read(microbit.port, 'state.py'), 'adler32')).toBe(boardHash(next, 'adler32'));
  });

  it('the board fails in the middle of a file (its flash is full): the error says so, the old file stays, the next command runs', async () => {
    const keep = enc.encode('KEEP = 1\n');
    expect((await sync(microbit.port, [local('keep.py', keep)])).outcome.failed).toEqual([]);
    // The file system holds 15,104 bytes: leave about 2.7 KB, then send a file of 6 KB.
    const fill = await runCli([
      'exec',
      "import os\nf=open('filler.bin','wb')\nb=b'x'*256\nfor i in range(48):\n f.write(b)\nf.close()\nprint(os.size('filler.bin'))",
      '--port',
      microbit.port,
    ]);
    expect(fill.code, fill.stderr).toBe(0);
    expect(fill.stdout.toString().trim()).toBe('12288');
    const big = enc.encode('# big\n'.repeat(1000));
    const { outcome } = await sync(microbit.port, [local('keep.py', big)]);
    expect(outcome.uploaded).toEqual([]);
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.failed[0]!.file).toBe('keep.py');
    expect(outcome.failed[0]!.error).toMatch(
      /^mpysync: keep\.py: the board raised OSError: (28|no more storage space): the board's file system is full; remove files from it \(mpysync rm\) or send fewer$/,
    );
    // No file byte was taken for a command: the board answers, the old file is whole, and the
    // half-written temporary file is gone.
    const run = await runCli(['exec', "import os\nprint(open('keep.py').read(), sorted(os.listdir()))", '--port', microbit.port]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.toString().replace(/\r\n/g, '\n').trim()).toBe("KEEP = 1\n ['filler.bin', 'keep.py']");
  });

  it('free space unknown and the flash nearly full: the small files go first, and at the first "full" the rest are named, not tried again', async () => {
    const fill = await runCli(['exec', "f=open('filler.bin','wb')\nb=b'x'*256\nfor i in range(48):\n f.write(b)\nf.close()", '--port', microbit.port]);
    expect(fill.code, fill.stderr).toBe(0);
    const files = [
      local('big.py', enc.encode('# big\n'.repeat(1000))),
      local('huge.py', enc.encode('# huge\n'.repeat(1000))),
      local('tiny.py', enc.encode('T = 1\n')),
      local('small.py', enc.encode('S = 2\n'.repeat(30))),
    ];
    const { plan, outcome } = await sync(microbit.port, files);
    expect(plan.notes).toEqual([expect.stringMatching(/does not say how much space is free .*smallest files go first/)]);
    expect(plan.entries.filter((e) => e.action === 'upload').map((e) => e.file)).toEqual(['tiny.py', 'small.py', 'big.py', 'huge.py']);
    expect([...outcome.uploaded].sort()).toEqual(['small.py', 'tiny.py']);
    // Each file that did not fit is named once with the reason (not tried again): in the command that
    // hit the full flash, or not sent at all after it.
    expect(outcome.failed.map((f) => f.file).sort()).toEqual(['big.py', 'huge.py']);
    for (const f of outcome.failed) expect(f.error).toMatch(/the board's file system (is full|was full before this file's turn)/);
    const run = await runCli(['exec', 'import os\nprint(sorted(os.listdir()))', '--port', microbit.port]);
    expect(run.stdout.trim()).toBe("['filler.bin', 'small.py', 'tiny.py']");
  });
});
