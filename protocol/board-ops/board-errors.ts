/**
 * A board's file-system error in words, with the path: `no such file or folder on the board: /nope`
 * rather than `OSError: 44`. The number means different things on different boards: the WebAssembly
 * port passes on Emscripten's errno values (44 is ENOENT there), other ports use the usual ones,
 * and the micro:bit raises a message instead ('file not found').
 */
import { MpysyncError } from '../errors.ts';

/** A file operation the board refused: its own reason, in words. The command went through; the board said no. */
export class BoardFileError extends MpysyncError {
  override name = 'BoardFileError';
  constructor(
    message: string,
    readonly path: string,
    readonly errno: string,
  ) {
    super('board-file', message);
  }
}

/** Printed by the board programs (ops-programs.ts) when the operation raised OSError. */
export const OS_ERROR_MARK = 'mps-e#';

const EMSCRIPTEN: Record<number, string> = {
  2: 'EACCES',
  20: 'EEXIST',
  28: 'EINVAL',
  29: 'EIO',
  31: 'EISDIR',
  43: 'ENODEV',
  44: 'ENOENT',
  51: 'ENOSPC',
  54: 'ENOTDIR',
  55: 'ENOTEMPTY',
  63: 'EPERM',
  69: 'EROFS',
};
const USUAL: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  5: 'EIO',
  13: 'EACCES',
  17: 'EEXIST',
  19: 'ENODEV',
  20: 'ENOTDIR',
  21: 'EISDIR',
  22: 'EINVAL',
  28: 'ENOSPC',
  30: 'EROFS',
  39: 'ENOTEMPTY',
};
const MESSAGES: Record<string, string> = { 'file not found': 'ENOENT', 'no space': 'ENOSPC' };

export type FileOp = 'ls' | 'cat' | 'rm' | 'rm -r';

/** The error the board's output reports (`mps-e# <args[0]> <platform>`), or null when the operation went through. */
export function readOsError(stdout: string, op: FileOp, path: string): BoardFileError | null {
  const line = stdout.split(/\r?\n/).find((l) => l.startsWith(OS_ERROR_MARK));
  if (!line) return null;
  const [, value = '', platform = ''] = /^mps-e#\s*(\S.*?)\s+(\S+)$/.exec(line.trim()) ?? [];
  if (value === 'flat')
    return new BoardFileError(`this board's file system has no folders: \`ls\` with no path lists its files (asked for ${path})`, path, 'ENOTDIR');
  const number = /^-?\d+$/.test(value) ? Number(value) : null;
  const name = number === null ? (MESSAGES[value.replace(/^'|'$/g, '')] ?? '') : ((platform === 'webassembly' ? EMSCRIPTEN : USUAL)[number] ?? '');
  return new BoardFileError(inWords(name, op, path, value), path, name || value);
}

function inWords(name: string, op: FileOp, path: string, raw: string): string {
  const shown = path || "the board's current folder";
  switch (name) {
    case 'ENOENT':
      return `no such file or folder on the board: ${shown}`;
    case 'EISDIR':
      return op === 'rm' ? `${shown} is a folder: use rm -r to remove it and what it holds` : `${shown} is a folder, not a file`;
    case 'ENOTDIR':
      return `${shown} is a file, not a folder`;
    case 'ENOTEMPTY':
      return `${shown} is a folder that still holds files: use rm -r`;
    case 'EEXIST':
      return `${shown} already exists on the board`;
    case 'ENOSPC':
      return `the board's file system is full (${op} ${shown})`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `the board does not allow ${op} on ${shown} (${name}: a read-only file system?)`;
    default:
      return `the board could not ${op} ${shown}: OSError ${raw}${name ? ` (${name})` : ''}`;
  }
}
