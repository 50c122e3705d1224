import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Roster, rosterPath } from '../../device/roster.ts';
import { emptyReport } from '../../protocol/session/sync-board.ts';
import type { BoardReport } from '../../device/sync-runner.ts';

const report = (over: Partial<BoardReport>): BoardReport => ({ ...emptyReport(), port: '/dev/ttyACM0', label: null, ...over });

describe('the roster file', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'mpysync-roster-'));

  it('is empty when missing, and keeps a label and the last sync by id', () => {
    const roster = new Roster(rosterPath(dir()));
    expect(roster.read()).toEqual({ boards: {} });
    roster.update('e6614c311b7e8f35', (b) => ({ ...b, label: 'Table 3 · Ada' }));
    roster.recordSync(
      report({
        id: 'e6614c311b7e8f35',
        status: 'problems',
        uploaded: ['main.py'],
        refused: [{ file: 'lib/x.mpy', firmwareError: null, summary: '', fix: null }],
        firmware: 'micropython 1.27.0',
      }),
      new Date('2026-12-02T08:00:00Z'),
    );
    const board = roster.read().boards['e6614c311b7e8f35']!;
    expect(board).toMatchObject({ label: 'Table 3 · Ada', port: '/dev/ttyACM0', lastSeen: '2026-12-02T08:00:00.000Z', firmware: 'micropython 1.27.0' });
    expect(board.last).toEqual({
      when: '2026-12-02T08:00:00.000Z',
      status: 'problems',
      uploaded: ['main.py'],
      refused: ['lib/x.mpy'],
      problems: [],
      error: null,
    });
    expect(roster.label('e6614c311b7e8f35')).toBe('Table 3 · Ada');
    expect(roster.label(null)).toBeNull();
  });

  it('reads the file afresh before each change: an entry written meanwhile by another command stays', () => {
    const path = join(dir(), 'r.json');
    const mine = new Roster(path);
    mine.update('aa', (b) => ({ ...b, label: 'A' }));
    new Roster(path).update('bb', (b) => ({ ...b, label: 'B' }));
    mine.recordSync(report({ id: 'aa', status: 'failed', error: 'the device went away' }), new Date());
    const boards = JSON.parse(readFileSync(path, 'utf8')).boards;
    expect(boards.aa).toMatchObject({ label: 'A', last: { status: 'failed', error: 'the device went away' } });
    expect(boards.bb).toEqual({ label: 'B' });
  });

  it('a board without an id is not kept; a damaged file is an error naming it', () => {
    const path = join(dir(), 'r.json');
    const roster = new Roster(path);
    roster.recordSync(report({ id: null, status: 'ok' }), new Date());
    expect(roster.read()).toEqual({ boards: {} });
    writeFileSync(path, '{"boards": [');
    expect(() => roster.read()).toThrow(new RegExp(`the roster ${path} is not JSON .*mend it, or move it away`));
    writeFileSync(path, '{"boards": []}');
    expect(() => roster.read()).toThrow(/has no "boards" object/);
  });
});

describe('--watch-ports and a port just plugged in', () => {
  it('tries again while the port settles (permissions, ModemManager), and never for other failures or later', async () => {
    const { openMayYetSucceed } = await import('../../device/cli/watch-ports.ts');
    expect(openMayYetSucceed('port-permission', 300)).toBe(true);
    expect(openMayYetSucceed('port-busy', 4_000)).toBe(true);
    expect(openMayYetSucceed('port-not-found', 100)).toBe(true);
    expect(openMayYetSucceed('port-busy', 6_000)).toBe(false);
    expect(openMayYetSucceed('transport-closed', 100)).toBe(false);
    expect(openMayYetSucceed(null, 100)).toBe(false);
  });
});
