import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LinkPacer, PACE_SLICE_MS, PacedPipe } from '../../device/virtual/link-pacer.ts';

describe('LinkPacer', () => {
  it('lets baud / 10 bytes a second cross a busy line (8N1)', () => {
    const pacer = new LinkPacer(19200); // 1920 bytes/s: 0.52 ms a byte
    expect(pacer.bytesPerSecond).toBe(1920);
    pacer.offer(0, 10_000);
    expect(pacer.take(0)).toBe(0); // the first byte has not crossed yet
    expect(pacer.take(0.5)).toBe(0);
    expect(pacer.take(0.53)).toBe(1);
    expect(pacer.take(10)).toBe(18); // 19.2 bytes in 10 ms: 19 in all
    expect(pacer.take(10)).toBe(0); // asking twice gives nothing more
    expect(pacer.take(1000)).toBe(1920 - 19);
    expect(pacer.waiting).toBe(10_000 - 1920);
    expect(pacer.take(1_000_000)).toBe(10_000 - 1920); // never more than was offered
    expect(pacer.waiting).toBe(0);
  });

  it('does not save up idle time: bytes offered to an idle line start when offered', () => {
    const pacer = new LinkPacer(115200); // 11,520 bytes/s
    pacer.offer(0, 5);
    expect(pacer.take(1000)).toBe(5);
    pacer.offer(5000, 100);
    expect(pacer.take(5000)).toBe(0);
    expect(pacer.take(5004)).toBe(46); // 46.08 bytes in 4 ms
    expect(pacer.msUntilAllCrossed(5004)).toBeCloseTo((100 * 10_000) / 115200 - 4, 9);
  });

  it('does not save up idle time even when nobody asked while the line was idle', () => {
    // 1 byte at 0 crosses at 1 ms; 10 bytes offered at 5 ms cross at 6..15 ms, not at once.
    const pacer = new LinkPacer(10_000); // 1 ms a byte
    pacer.offer(0, 1);
    pacer.offer(5, 10);
    expect(pacer.take(5)).toBe(1);
    expect(pacer.take(5.99)).toBe(0);
    expect(pacer.take(6)).toBe(1);
    expect(pacer.take(10)).toBe(4);
    expect(pacer.take(15)).toBe(5);
  });

  it('queues bytes offered while the line is busy behind the ones before them', () => {
    const pacer = new LinkPacer(10_000);
    pacer.offer(0, 10); // crossing until 10 ms
    pacer.offer(3, 10); // starts at 10 ms, not 3 ms
    expect(pacer.take(10)).toBe(10);
    expect(pacer.take(12)).toBe(2);
    expect(pacer.msUntilAllCrossed(12)).toBe(8);
    expect(pacer.take(25)).toBe(8);
    expect(pacer.msUntilAllCrossed(25)).toBe(0);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new LinkPacer(0)).toThrow(RangeError);
    expect(() => new LinkPacer(Number.NaN)).toThrow(RangeError);
  });

  it('hands on, by any time, exactly the bytes an ideal UART would have finished sending (any offers, any polling)', () => {
    const event = fc.record({ gapMs: fc.double({ min: 0, max: 30, noNaN: true }), offer: fc.nat({ max: 200 }), take: fc.boolean() });
    fc.assert(
      fc.property(fc.constantFrom(1200, 9600, 19200, 115200, 1_000_000), fc.array(event, { maxLength: 60 }), (baud, events) => {
        const msPerByte = 10_000 / baud;
        const pacer = new LinkPacer(baud);
        const completions: number[] = []; // ideal: each byte starts when offered or when the one before it has crossed
        let now = 0;
        let taken = 0;
        const check = () => {
          taken += pacer.take(now);
          const crossedBy = (t: number) => completions.filter((c) => c <= t).length;
          // Within a rounding error of the time (floating point), never ahead and never behind.
          expect(taken).toBeLessThanOrEqual(crossedBy(now + 1e-6));
          expect(taken).toBeGreaterThanOrEqual(crossedBy(now - 1e-6));
          expect(pacer.waiting).toBe(completions.length - taken);
        };
        for (const { gapMs, offer, take } of events) {
          now += gapMs;
          if (take) check();
          pacer.offer(now, offer);
          for (let i = 0; i < offer; i++) completions.push(Math.max(now, completions[completions.length - 1] ?? -Infinity) + msPerByte);
        }
        now += pacer.msUntilAllCrossed(now) + 1e-3;
        check();
        expect(pacer.waiting).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('PacedPipe', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delivers every byte unchanged and in order, at the line rate, waking every few ms rather than per byte', () => {
    vi.useFakeTimers();
    const now = () => Date.now();
    const start = now();
    const data = new Uint8Array(randomBytes(5000));
    const received: Array<{ at: number; bytes: Uint8Array }> = [];
    const pipe = new PacedPipe(19200, (bytes) => received.push({ at: now() - start, bytes }), { now });
    pipe.write(data.subarray(0, 1000));
    pipe.write(data.subarray(1000, 1001));
    pipe.write(data.subarray(1001));
    expect(pipe.queued).toBe(5000);
    vi.advanceTimersByTime(1000);
    const byOneSecond = received.reduce((n, r) => n + r.bytes.length, 0);
    // The line's 1920 B/s exactly, less what crossed since the last slice's wake-up.
    expect(byOneSecond).toBeLessThanOrEqual(1920);
    expect(byOneSecond).toBeGreaterThanOrEqual(1920 - Math.ceil((1920 * PACE_SLICE_MS) / 1000));
    vi.advanceTimersByTime(2000);
    expect(pipe.queued).toBe(0);
    expect(Buffer.concat(received.map((r) => r.bytes)).equals(Buffer.from(data))).toBe(true);
    // 5000 bytes at 1920 B/s: 2.6 s; the last piece no earlier than that.
    expect(received[received.length - 1]!.at).toBeGreaterThanOrEqual(Math.ceil((5000 * 10_000) / 19200));
    // One delivery per slice, not one per byte.
    expect(received.length).toBeLessThanOrEqual(Math.ceil(2605 / PACE_SLICE_MS) + 2);
    expect(vi.getTimerCount()).toBe(0); // idle: no timer left running
  });

  it('delivers a lone byte within a couple of ms, and calls back after each delivery', () => {
    vi.useFakeTimers();
    const now = () => Date.now();
    const received: number[] = [];
    const pipe = new PacedPipe(115200, (bytes) => received.push(...bytes), { now });
    let deliveries = 0;
    pipe.onDelivered(() => deliveries++);
    pipe.write(new Uint8Array([0x01]));
    expect(received).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(received).toEqual([0x01]);
    expect(deliveries).toBe(1);
  });

  it('delivers nothing more once closed', () => {
    vi.useFakeTimers();
    const received: number[] = [];
    const pipe = new PacedPipe(9600, (bytes) => received.push(...bytes), { now: () => Date.now() });
    pipe.write(new Uint8Array(100));
    pipe.close();
    vi.advanceTimersByTime(1000);
    expect(received).toEqual([]);
    expect(pipe.queued).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
