import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listPorts } from '../../device/ports.ts';
import { announceVirtualBoard, listVirtualBoards } from '../../device/virtual/registry.ts';

describe('the list of running virtual boards', () => {
  const saved = process.env.MPYSYNC_RUNTIME_DIR;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mpysync-runtime-'));
    process.env.MPYSYNC_RUNTIME_DIR = dir;
  });
  afterEach(() => {
    process.env.MPYSYNC_RUNTIME_DIR = saved;
  });

  it('lists an announced board until it is withdrawn, and ports lists it as a virtual board with its id', async () => {
    // This process stands for the board process; its "pty" is a file that exists.
    const port = join(dir, 'pts-7');
    writeFileSync(port, '');
    const withdraw = announceVirtualBoard({ port, pid: process.pid, id: '0011223344556677', baud: 115200 });
    expect(listVirtualBoards()).toEqual([{ port, pid: process.pid, id: '0011223344556677', baud: 115200 }]);
    const ports = await listPorts({ list: async () => [] });
    expect(ports).toEqual([
      {
        path: port,
        product: 'virtual board (MicroPython 1.27, WebAssembly, 115200 baud)',
        identity: { board: 'virtual board', kind: 'micropython-native', likelyMicroPython: true },
        virtual: true,
        id: '0011223344556677',
      },
    ]);
    withdraw();
    expect(listVirtualBoards()).toEqual([]);
  });

  it('ignores and clears what a killed board left (its process is gone), and ignores a board whose pty is gone', () => {
    const boards = join(dir, 'virtual');
    announceVirtualBoard({ port: '/dev/null', pid: process.pid, id: 'aa' }); // makes the folder
    const dead = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
    writeFileSync(join(boards, `${dead}.json`), JSON.stringify({ port: '/dev/null', pid: dead, id: 'bb' }));
    writeFileSync(join(boards, `${process.pid + 1}.json`), 'not json');
    announceVirtualBoard({ port: join(dir, 'no-such-pty'), pid: process.pid, id: 'cc' });
    expect(listVirtualBoards().map((b) => b.id)).toEqual([]);
    expect(existsSync(join(boards, `${dead}.json`))).toBe(false);
    expect(readdirSync(boards)).toEqual([`${process.pid}.json`]);
  });
});
