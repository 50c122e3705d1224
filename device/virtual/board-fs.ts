/**
 * The virtual board's own files, read from and written to Emscripten's in-memory filesystem under
 * BOARD_ROOT (the board's `/`). No Node APIs. Paths are relative to the board's root, with `/`
 * separators ("lib/foo.mpy").
 */
import type { EmscriptenFS } from '@micropython/micropython-webassembly-pyscript';
import { BOARD_ROOT } from './wasm-board.ts';

export interface BoardFiles {
  /** Every directory, parents before children. */
  directories: string[];
  files: Map<string, Uint8Array>;
}

export function readBoardFiles(fs: EmscriptenFS): BoardFiles {
  const result: BoardFiles = { directories: [], files: new Map() };
  const walk = (relative: string) => {
    for (const name of fs.readdir(`${BOARD_ROOT}/${relative}`)) {
      if (name === '.' || name === '..') continue;
      const path = relative ? `${relative}/${name}` : name;
      const { mode } = fs.stat(`${BOARD_ROOT}/${path}`);
      if (fs.isDir(mode)) {
        result.directories.push(path);
        walk(path);
      } else if (fs.isFile(mode)) {
        result.files.set(path, fs.readFile(`${BOARD_ROOT}/${path}`));
      }
    }
  };
  walk('');
  return result;
}

export function writeBoardFiles(fs: EmscriptenFS, content: BoardFiles): void {
  for (const directory of content.directories) makeDirectory(fs, directory);
  for (const [path, bytes] of content.files) {
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    if (parent) makeDirectory(fs, parent);
    fs.writeFile(`${BOARD_ROOT}/${path}`, bytes);
  }
}

function makeDirectory(fs: EmscriptenFS, path: string): void {
  let current = BOARD_ROOT;
  for (const part of path.split('/')) {
    current += '/' + part;
    if (!fs.analyzePath(current).exists) fs.mkdir(current);
  }
}
