import { describe, expect, it } from 'vitest';
import { chooseWindowBits } from '../../protocol/codec/index.ts';

describe('chooseWindowBits', () => {
  it('keeps the 2^bits window within 1/8 of the free RAM', () => {
    expect(chooseWindowBits(8 * 512)).toBe(9);
    expect(chooseWindowBits(8 * 1024 - 1)).toBe(9);
    expect(chooseWindowBits(8 * 1024)).toBe(10);
    expect(chooseWindowBits(8 * 2048 - 1)).toBe(10);
    expect(chooseWindowBits(8 * 2048)).toBe(11);
    for (let free = 0; free < 100_000; free += 997) {
      const bits = chooseWindowBits(free);
      if (bits > 9) expect(2 ** bits).toBeLessThanOrEqual(free / 8);
    }
  });

  it("never goes below 9 (512 bytes, zlib's smallest raw window), even for a board with almost no RAM or an unknown amount", () => {
    expect(chooseWindowBits(2_000)).toBe(9);
    expect(chooseWindowBits(0)).toBe(9);
    expect(chooseWindowBits(-1)).toBe(9);
    expect(chooseWindowBits(Number.NaN)).toBe(9);
  });

  it('never goes above 12 (4 KB), however much RAM is free', () => {
    expect(chooseWindowBits(8 * 4096)).toBe(12);
    expect(chooseWindowBits(200_000)).toBe(12);
    expect(chooseWindowBits(135_000_000)).toBe(12);
    expect(chooseWindowBits(Number.POSITIVE_INFINITY)).toBe(12);
  });
});
