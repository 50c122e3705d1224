/**
 * `mpysync watch DIR --run`: the development loop on the virtual board (MicroPython 1.27): a first
 * sync and run, then a saved change syncs only that file and runs again; Ctrl-C ends it at once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';
import { CLI } from '../helpers/cli.ts';

describe('mpysync watch', () => {
  let board: BoardProcess;
  beforeAll(async () => {
    board = await startVirtualBoard();
  });
  afterAll(async () => board?.stop());

  it('syncs and runs, then after a save sends only the changed file and runs again; Ctrl-C stops it within 2 s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpysync-watch-'));
    writeFileSync(join(dir, 'main.py'), 'import helper\nprint("says", helper.word())\n');
    writeFileSync(join(dir, 'helper.py'), 'def word():\n    return "one"\n');
    const child = spawn(process.execPath, [CLI, 'watch', dir, '--port', board.port, '--run', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const rounds: any[] = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        rounds.push(JSON.parse(buffered.slice(0, nl)));
        buffered = buffered.slice(nl + 1);
      }
    });
    const roundCount = async (n: number) => {
      const deadline = Date.now() + 30_000;
      while (rounds.length < n && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      expect(rounds.length, `round ${n} did not come; stderr: ${stderr}`).toBeGreaterThanOrEqual(n);
    };
    try {
      await roundCount(1);
      expect(rounds[0]).toMatchObject({ round: 1, changed: [] });
      expect([...rounds[0].boards[0].uploaded].sort()).toEqual(['helper.py', 'main.py']);
      expect(rounds[0].boards[0].run).toMatchObject({ output: 'says one\n', ended: true });

      writeFileSync(join(dir, 'helper.py'), 'def word():\n    return "two"\n');
      await roundCount(2);
      expect(rounds[1]).toMatchObject({ round: 2, changed: ['helper.py'] });
      expect(rounds[1].boards[0]).toMatchObject({ status: 'ok', uploaded: ['helper.py'], run: { output: 'says two\n' } });
      expect(rounds[1].boards[0].skipped).toEqual(['main.py']);
    } finally {
      const started = Date.now();
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(2_000);
    }
  });
});
