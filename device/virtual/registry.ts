/**
 * Running `mpysync virtual` boards announce themselves here, so that `mpysync ports` lists them and
 * `--all` and `--watch-ports` find them as they find plugged-in boards: one JSON file per board
 * process, removed when it stops. A file left by a board that was killed is ignored (its process
 * is gone, or its pty is) and cleared.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface ListedVirtualBoard {
  port: string;
  pid: number;
  /** What its probe reports as `machine.unique_id()`. */
  id: string;
  /** How it was started, for the listing: a paced link, a bounded heap. */
  baud?: number;
  heapBytes?: number;
}

/** `MPYSYNC_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/mpysync`, else a folder of this user's in the temp dir. */
export function runtimeDir(): string {
  if (process.env.MPYSYNC_RUNTIME_DIR) return process.env.MPYSYNC_RUNTIME_DIR;
  if (process.env.XDG_RUNTIME_DIR) return join(process.env.XDG_RUNTIME_DIR, 'mpysync');
  return join(tmpdir(), `mpysync-${userInfo().username}`);
}

const boardsDir = () => join(runtimeDir(), 'virtual');

/** Lists the board until the returned function is called (or the process is gone). */
export function announceVirtualBoard(board: ListedVirtualBoard): () => void {
  const dir = boardsDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${board.pid}.json`);
  // Written beside and renamed: a lister never reads half a file.
  writeFileSync(`${file}.partial`, JSON.stringify(board) + '\n');
  renameSync(`${file}.partial`, file);
  return () => rmSync(file, { force: true });
}

/** The virtual boards running now, in pid order. */
export function listVirtualBoards(): ListedVirtualBoard[] {
  const dir = boardsDir();
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^\d+\.json$/.test(name));
  } catch {
    return [];
  }
  const boards: ListedVirtualBoard[] = [];
  for (const name of names) {
    const board = readListing(join(dir, name));
    if (board && alive(board.pid) && existsSync(board.port)) boards.push(board);
    else if (!board || !alive(Number.parseInt(name, 10))) rmSync(join(dir, name), { force: true });
  }
  return boards.sort((a, b) => a.pid - b.pid);
}

function readListing(file: string): ListedVirtualBoard | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as ListedVirtualBoard;
    return typeof value.port === 'string' && Number.isInteger(value.pid) && typeof value.id === 'string' ? value : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
