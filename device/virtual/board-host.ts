/**
 * The inside of a virtual board's worker: a WasmBoard driven by messages (board-messages.ts), so
 * that a student's `while True: pass` blocks only this worker, never the page or the CLI's pty
 * relay, which can then end the worker (thread-board.ts). No Node or DOM APIs: the Node thread
 * (board-thread.ts) and the Web Worker (board-web-worker.ts) each hand it their `post`.
 */
import type { FileChanges, FromBoard, ToBoard } from './board-messages.ts';
import { BOARD_ROOT, WasmBoard } from './wasm-board.ts';
import { writeBoardFiles } from './board-fs.ts';
import type { EmscriptenFS } from '@micropython/micropython-webassembly-pyscript';

export function hostBoard(post: (message: FromBoard, transfer?: ArrayBuffer[]) => void, yieldToHost: () => Promise<void>): (message: ToBoard) => void {
  let board: WasmBoard | null = null;
  const early: Uint8Array[] = [];
  let files: FileTracker | null = null;

  const start = async (message: Extract<ToBoard, { type: 'start' }>) => {
    try {
      board = await WasmBoard.create({ ...message.options, yieldToHost });
      writeBoardFiles(board.fs, { directories: message.directories, files: new Map(message.files) });
      files = new FileTracker(board.fs);
      board.onOutput((bytes) => post({ type: 'output', bytes }, [bytes.buffer as ArrayBuffer]));
      board.onCommandComplete(() => {
        const changes = files!.changes();
        if (changes) post({ type: 'files', changes });
      });
      board.onError((error) => post({ type: 'failed', message: (error as Error)?.message ?? String(error) }));
      post({ type: 'ready' });
      for (const bytes of early.splice(0)) send(bytes);
    } catch (error) {
      post({ type: 'failed', message: (error as Error)?.message ?? String(error) });
    }
  };
  const send = (bytes: Uint8Array) => {
    board!.input(bytes);
    void board!.whenIdle().then(() => {
      if (board!.pendingBytes === 0) post({ type: 'idle' });
    });
  };
  return (message) => {
    if (message.type === 'start') void start(message);
    else if (message.type === 'input') {
      if (board) send(message.bytes);
      else early.push(message.bytes);
    } else if (message.type === 'ping') post({ type: 'pong', id: message.id });
  };
}

/**
 * What changed in the board's files since the last look, read cheaply: the tree's sizes and times
 * are compared, and only files that differ are read (a sync's many commands touch a few files).
 */
class FileTracker {
  private seen = new Map<string, { size: number; mtime: number }>();
  private lastLook = 0;

  constructor(private readonly fs: EmscriptenFS) {
    this.changes();
  }

  changes(): FileChanges | null {
    const now = Date.now();
    const directories: string[] = [];
    const current = new Map<string, { size: number; mtime: number }>();
    const changed: FileChanges['changed'] = [];
    const walk = (relative: string) => {
      for (const name of this.fs.readdir(`${BOARD_ROOT}/${relative}`)) {
        if (name === '.' || name === '..') continue;
        const path = relative ? `${relative}/${name}` : name;
        const stat = this.fs.stat(`${BOARD_ROOT}/${path}`) as { mode: number; size: number; mtime: Date };
        if (this.fs.isDir(stat.mode)) {
          directories.push(path);
          walk(path);
        } else if (this.fs.isFile(stat.mode)) {
          const meta = { size: stat.size, mtime: stat.mtime.getTime() };
          current.set(path, meta);
          const before = this.seen.get(path);
          // A write in the very millisecond of the last look may share its time: read it again.
          if (!before || before.size !== meta.size || before.mtime !== meta.mtime || meta.mtime >= this.lastLook) {
            changed.push([path, this.fs.readFile(`${BOARD_ROOT}/${path}`)]);
          }
        }
      }
    };
    walk('');
    const removed = [...this.seen.keys()].filter((path) => !current.has(path));
    const directoriesChanged = directories.join('\n') !== this.directories;
    this.seen = current;
    this.lastLook = now;
    this.directories = directories.join('\n');
    if (!changed.length && !removed.length && !directoriesChanged) return null;
    return { directories, changed, removed };
  }

  private directories = '';
}
