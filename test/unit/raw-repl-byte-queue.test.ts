import { describe, expect, it } from 'vitest';
import { ByteQueue, WaitTimeout } from '../../protocol/repl/byte-queue.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe('ByteQueue', () => {
  it('finds a pattern split across chunks and keeps what follows it', async () => {
    const queue = new ByteQueue();
    const read = queue.takeUntil(bytes('CTRL-B to exit\r\n>'), { idleMs: 1_000 });
    for (const piece of ['noise raw REPL; CTR', 'L-B to e', 'xit\r', '\n', '>R\x01']) queue.push(bytes(piece));
    expect(text(await read)).toBe('noise raw REPL; ');
    expect(text(queue.takeAll())).toBe('R\x01');
  });

  it('streams bytes that cannot be part of the pattern, and returns all of them', async () => {
    const queue = new ByteQueue();
    const streamed: string[] = [];
    const read = queue.takeUntil(bytes('\x04'), { idleMs: 1_000 }, (b) => streamed.push(text(b)));
    queue.push(bytes('hel'));
    queue.push(bytes('lo\x04rest'));
    expect(text(await read)).toBe('hello');
    expect(streamed.join('')).toBe('hello');
    expect(text(queue.takeAll())).toBe('rest');
  });

  it('idle limit restarts with every byte; the deadline does not', async () => {
    const queue = new ByteQueue();
    const idle = queue.take(10, { idleMs: 60 });
    const drip = setInterval(() => queue.push(bytes('.')), 20);
    const result = await idle;
    expect(result.length).toBe(10); // 10 bytes over ~200 ms never left a 60 ms gap
    const deadline = queue.take(1_000, { deadline: Date.now() + 80 }).catch((e: unknown) => e);
    const error = await deadline;
    clearInterval(drip);
    expect(error).toBeInstanceOf(WaitTimeout);
    expect((error as WaitTimeout).reason).toBe('deadline');
  });

  it('rejects the pending and later reads once failed', async () => {
    const queue = new ByteQueue();
    const read = queue.take(1, { idleMs: 10_000 });
    queue.fail(new Error('gone'));
    await expect(read).rejects.toThrow('gone');
    await expect(queue.take(1, { idleMs: 10 })).rejects.toThrow('gone');
  });

  it('grows its buffer and keeps byte order through many pushes and reads', async () => {
    const queue = new ByteQueue();
    const expected: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      const chunk = Uint8Array.from({ length: (i % 7) + 1 }, (_, j) => (i + j) & 0xff);
      expected.push(...chunk);
      queue.push(chunk);
    }
    const got = [...(await queue.take(expected.length - 100, { idleMs: 10 })), ...queue.takeAll()];
    expect(got).toEqual(expected);
    expect(queue.totalReceived).toBe(expected.length);
    expect(queue.recent().length).toBe(256);
  });
});
