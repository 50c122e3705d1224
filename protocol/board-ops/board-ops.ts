import { parsePyLiteral } from '../python/parse-literal.ts';
import { readOsError, type FileOp } from './board-errors.ts';
import { countSnippet, listSnippet, readSnippet, removeSnippet, treeSnippet } from './ops-programs.ts';
import { runReadOnly, type RawRepl } from '../repl/index.ts';

export interface RemoteEntry {
  name: string;
  kind: 'file' | 'dir';
  size: number;
}

export async function listRemote(repl: RawRepl, path: string): Promise<RemoteEntry[]> {
  const out = await runReadOnly(repl, listSnippet(path));
  throwOsError(out, 'ls', path);
  return readEntries(out);
}

/** Everything on the board, folders and files with their sizes, in one program (ops-programs.ts treeSnippet). */
export async function listTree(repl: RawRepl): Promise<RemoteEntry[]> {
  const out = await runReadOnly(repl, treeSnippet(), { timeoutMs: 30_000 });
  throwOsError(out, 'ls', '');
  return readEntries(out);
}

/** The `('D'|'F', name, size)` lines the listing programs print, sorted by name. */
function readEntries(out: string): RemoteEntry[] {
  return out
    .split(/\r?\n/)
    .filter((l) => l.startsWith('('))
    .map((l) => {
      const [kind, name, size] = parsePyLiteral(l) as [string, string, number];
      return { name, kind: kind === 'D' ? 'dir' : 'file', size } as RemoteEntry;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function readRemote(repl: RawRepl, path: string): Promise<Uint8Array> {
  const printed = await runReadOnly(repl, readSnippet(path), { timeoutMs: 60_000 });
  throwOsError(printed, 'cat', path);
  const hex = printed.replace(/\s+/g, '');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export async function removeRemote(repl: RawRepl, path: string, recursive = false): Promise<void> {
  throwOsError(await repl.run(removeSnippet(path, recursive)), recursive ? 'rm -r' : 'rm', path);
}

/** The number of files under `path` (1 for a file): asked before an `rm -r` that may need a confirmation. */
export async function countRemote(repl: RawRepl, path: string): Promise<number> {
  const out = await runReadOnly(repl, countSnippet(path));
  throwOsError(out, 'rm -r', path);
  return Number(/n=(\d+)/.exec(out)?.[1] ?? 0);
}

function throwOsError(stdout: string, op: FileOp, path: string): void {
  const error = readOsError(stdout, op, path);
  if (error) throw error;
}
