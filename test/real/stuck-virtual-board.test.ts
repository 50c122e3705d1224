/**
 * Student code on the CLI's virtual board (issue 14): MicroPython runs in a worker thread, so
 * `while True: pass` cannot freeze the board's process. Ctrl-C that the program cannot take ends
 * it with a hard reset that keeps the files; input() fails at once; SIGTERM always works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';
import { runCli } from '../helpers/cli.ts';

describe('student code on the CLI virtual board', () => {
  let board: BoardProcess;
  beforeAll(async () => {
    board = await startVirtualBoard();
  });
  afterAll(async () => board?.stop());

  it('input() fails at once with a message that says why, and the board goes on', async () => {
    const started = Date.now();
    const run = await runCli(['exec', "name = input('name? ')", '--port', board.port]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('name? ');
    expect(run.stderr).toMatch(/OSError: input\(\) cannot wait for the keyboard on this virtual board/);
    expect((await runCli(['exec', 'print(6*7)', '--port', board.port])).stdout).toBe('42\r\n');
  });

  it('while True: pass is stopped within 2 s of the Ctrl-C, the files stay, and the next command works', async () => {
    await runCli(['exec', "open('kept.txt','w').write('still here')", '--port', board.port]);
    const started = Date.now();
    const run = await runCli(['exec', 'while True: pass', '--timeout', '1', '--port', board.port]);
    // 1 s until exec sends Ctrl-C, then at most STUCK_MS (1 s) until the board is reset.
    expect(Date.now() - started).toBeLessThan(1000 + 2000 + 1000);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/restarted while running the command: its start-up banner came back/);
    expect(run.stderr).not.toMatch(/longer --timeout/);
    const next = await runCli(['exec', "print(open('kept.txt').read())", '--port', board.port]);
    expect(next.stdout).toBe('still here\r\n');
  });

  it('ends on SIGTERM within 2 s while a program that never ends is running', async () => {
    const other = await startVirtualBoard();
    const stuck = runCli(['exec', 'while True: pass', '--timeout', '60', '--port', other.port]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const started = Date.now();
    await other.stop(); // SIGTERM, and SIGKILL only after 5 s
    expect(Date.now() - started).toBeLessThan(2000);
    const ended = await stuck;
    expect(ended.code).not.toBe(0);
  });
});
