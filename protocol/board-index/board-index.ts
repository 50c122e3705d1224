import { runReadOnly } from '../repl/index.ts';
import type { HashAlgo } from '../board-hash.ts';
import { MpysyncError } from '../errors.ts';
import type { RemoteIndex } from '../plan/plan.ts';
import { parsePyLiteral } from '../python/parse-literal.ts';
import { indexSnippet } from './index-program.ts';
import type { ExecOptions, RawRepl } from '../repl/index.ts';

/**
 * One round trip: the files in `folders` (or, when null, every file under `dest`) with its size, and a fingerprint for those whose size
 * matches the local file (`candidates`: remote path → local size) — hashed on the board.
 */
export async function fetchRemoteIndex(
  repl: RawRepl,
  dest: string,
  candidates: Map<string, number>,
  folders: string[] | null,
  options: Pick<ExecOptions, 'freshHeapIfPlain' | 'thenFreshHeapIfPlain'> = {},
): Promise<RemoteIndex> {
  const stdout = await runReadOnly(repl, indexSnippet(dest, candidates, folders), { timeoutMs: 60_000, ...options });
  return parseIndexOutput(stdout);
}

export function parseIndexOutput(stdout: string): RemoteIndex {
  const index: RemoteIndex = { algo: 'sha256', files: [], dirs: [] };
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.startsWith('(')) continue;
    const row = parsePyLiteral(line);
    if (!Array.isArray(row)) continue;
    const [kind, a, b, c] = row;
    if (kind === 'A' && (a === 'sha256' || a === 'adler32')) index.algo = a as HashAlgo;
    else if (kind === 'D' && typeof a === 'string') index.dirs.push(a);
    else if (kind === 'F' && typeof a === 'string' && typeof b === 'number') {
      index.files.push({ path: a, size: b, fingerprint: typeof c === 'string' ? c : null });
    } else throw new MpysyncError('bad-board-reply', `unexpected line in the board's file index: ${line}`);
  }
  return index;
}
