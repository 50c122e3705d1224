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
import { CLI, runCli } from '../helpers/cli.ts';

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

  it('--delete asks before removing more than a few files; where nobody can answer, the round deletes nothing and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpysync-watch-delete-'));
    writeFileSync(join(dir, 'main.py'), 'print("kept")\n');
    const extras = Array.from({ length: 7 }, (_, i) => `extra${i}.py`);
    await runCli(['exec', `import os\nos.mkdir('/wd')\nfor n in ${JSON.stringify(extras)}:\n open('/wd/' + n, 'w').write('x')`, '--port', board.port]);
    const child = spawn(process.execPath, [CLI, 'watch', dir, '--port', board.port, '--dest', '/wd', '--delete', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const deadline = Date.now() + 30_000;
      while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const round = JSON.parse(stdout.slice(0, stdout.indexOf('\n')));
      expect(round.boards[0].uploaded).toEqual(['main.py']);
      expect(round.boards[0].deleted).toEqual([]);
      expect(stderr).toMatch(/sync --delete would remove files the project does not have/);
      expect(stderr).toMatch(/this round deletes nothing; give --yes/);
      const left = await runCli(['exec', "import os\nprint(len(os.listdir('/wd')))", '--port', board.port]);
      expect(left.stdout.trim()).toBe('8');
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    }
  });
});
