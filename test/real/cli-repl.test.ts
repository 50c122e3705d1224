import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';
import { CLI } from '../helpers/cli.ts';

describe('mpysync repl: a terminal on the friendly REPL', () => {
  let board: BoardProcess;
  beforeAll(async () => {
    board = await startVirtualBoard();
  });
  afterAll(async () => board?.stop());

  it('passes keystrokes to the board and its output back, and Ctrl-] leaves', async () => {
    const child = spawn(process.execPath, [CLI, 'repl', '--port', board.port], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 10_000;
      while (!out.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" from the board; got ${JSON.stringify(out)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor('>>> ');
    child.stdin.write('print(6 * 7)\r');
    await waitFor('42');
    child.stdin.write(Buffer.from([0x1d]));
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 5_000))]);
    expect(code).toBe(0);
    expect(out).toMatch(/>>> print\(6 \* 7\)\r\n42\r\n/);
  });
});
