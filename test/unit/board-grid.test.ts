import { describe, expect, it } from 'vitest';
import { gridText, type Row } from '../../device/cli/board-grid.ts';

const row = (i: number, finished?: string): Row => ({
  port: `/dev/ttyACM${i}`,
  name: `Table ${i}`,
  firmware: 'micropython 1.27.0',
  abi: '6.3 armv6m',
  state: finished ?? 'sending 40%',
  total: 1000,
  finished,
});

describe("--watch-ports' live grid", () => {
  it('shows every board while they fit', () => {
    const text = gridText([row(0, 'ok'), row(1)], 20);
    expect(text.split('\n')).toHaveLength(4); // header, 2 rows, and the end of the last line
    expect(text).toContain('Table 1');
    expect(text).toContain('sending 40%');
  });

  it('in a terminal too small for 30 boards: the finished ones as counts, the busy ones as rows, never taller than the terminal', () => {
    const rows = [...Array.from({ length: 25 }, (_, i) => row(i, i % 5 ? 'ok' : 'problems')), ...Array.from({ length: 5 }, (_, i) => row(25 + i))];
    const text = gridText(rows, 10);
    const lines = text.split('\n').slice(0, -1);
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines[0]).toBe('30 boards: 5 problems, 20 ok; 5 busy');
    for (let i = 25; i < 30; i++) expect(text).toContain(`/dev/ttyACM${i}`);
    expect(text).not.toMatch(/\/dev\/ttyACM3\b/);
    const tiny = gridText(rows, 4).split('\n').slice(0, -1);
    expect(tiny[0]).toBe('30 boards: 5 problems, 20 ok; 5 busy (3 not shown)');
    expect(tiny.length).toBeLessThanOrEqual(4);
  });
});
