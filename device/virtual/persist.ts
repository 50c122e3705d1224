/**
 * `mpysync virtual --persist DIR`: the board's filesystem is loaded from DIR at start and mirrored back
 * after every completed command, so a board killed at any moment and restarted holds exactly the
 * files of the last command it completed (each file is replaced atomically: written beside, renamed).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MpysyncError } from '../../protocol/errors.ts';
import type { BoardFiles } from './board-fs.ts';

const PARTIAL_SUFFIX = '.mpysync-partial';
/** The board's id, kept beside its files (not one of them) so that a restarted board is the same board. */
const ID_FILE = '.mpysync-board-id';

export class PersistMirror {
  private mirrored: BoardFiles;

  private constructor(
    readonly dir: string,
    mirrored: BoardFiles,
  ) {
    this.mirrored = mirrored;
  }

  /** Reads DIR (created if missing); leftovers of a mirror cut short are deleted, not loaded. */
  static open(dir: string): { mirror: PersistMirror; content: BoardFiles } {
    try {
      makeDirectories(dir);
      const content: BoardFiles = { directories: [], files: new Map() };
      const walk = (relative: string) => {
        for (const name of readdirSync(join(dir, relative)).sort()) {
          const path = relative ? `${relative}/${name}` : name;
          const stats = statSync(join(dir, path));
          if (stats.isDirectory()) {
            content.directories.push(path);
            walk(path);
          } else if (!relative && name === ID_FILE) {
            continue;
          } else if (name.endsWith(PARTIAL_SUFFIX)) {
            unlinkSync(join(dir, path));
          } else if (stats.isFile()) {
            content.files.set(path, new Uint8Array(readFileSync(join(dir, path))));
          }
        }
      };
      walk('');
      return { mirror: new PersistMirror(dir, content), content };
    } catch (error) {
      throw new MpysyncError('persist-dir', `cannot use ${dir} as the board's filesystem: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** The id this folder's board had before, or `fresh` kept as its id from now on. */
  boardId(fresh: () => string): string {
    const path = join(this.dir, ID_FILE);
    const kept = existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
    if (/^[0-9a-f]{16}$/.test(kept)) return kept;
    const id = fresh();
    writeFileSync(path, id + '\n');
    return id;
  }

  /** Brings DIR in line with the board, touching only what changed. */
  update(current: BoardFiles): void {
    const before = this.mirrored;
    const beforeDirectories = new Set(before.directories);
    const currentDirectories = new Set(current.directories);
    for (const path of before.files.keys()) {
      if (!current.files.has(path)) unlinkSync(join(this.dir, path));
    }
    for (const directory of current.directories) {
      if (!beforeDirectories.has(directory)) mkdirSync(join(this.dir, directory), { recursive: true });
    }
    for (const [path, bytes] of current.files) {
      const old = before.files.get(path);
      if (old && sameBytes(old, bytes)) continue;
      const partial = join(this.dir, partialName(path));
      writeFileSync(partial, bytes);
      renameSync(partial, join(this.dir, path));
    }
    for (const directory of [...before.directories].reverse()) {
      if (!currentDirectories.has(directory)) rmdirSync(join(this.dir, directory));
    }
    this.mirrored = current;
  }
}

/** Like `mkdir -p`; Node's own recursive mkdir loops for ever on some file systems (e.g. /proc). */
function makeDirectories(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirectories(parent);
  mkdirSync(dir);
}

function partialName(path: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}${PARTIAL_SUFFIX}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
