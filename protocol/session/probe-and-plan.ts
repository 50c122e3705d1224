import { runReadOnly } from '../repl/index.ts';
import { planSync, remotePath, type LocalFile, type Plan, type RemoteIndex } from '../plan/plan.ts';
import { parseProbeOutput, parseUniqueId, type BoardProbe } from '../probe/probe.ts';
import { pySource } from '../python/literal.ts';
import { indexSnippet } from '../board-index/index-program.ts';
import { ID_SNIPPET, PROBE_SNIPPET } from '../probe/probe-program.ts';
import { fetchRemoteIndex, parseIndexOutput } from '../board-index/board-index.ts';
import type { ExecMode, RawRepl } from '../repl/index.ts';
import { transferSettings } from '../transfer/index.ts';

const INDEX_MARK = '--mpysync-index--';

export interface PlanOptions {
  /** Destination folder on the board; '' is its current folder. */
  dest: string;
  deleteExtraneous?: boolean;
  /** Reuse a probe made earlier on this connection (saves a round trip). */
  probe?: BoardProbe;
}

/**
 * Probe (unless given) and index the destination — one program, one round trip — then plan.
 * The CLI and the web page both call this; neither knows a byte of the protocol.
 */
export async function probeAndPlan(
  repl: RawRepl,
  files: LocalFile[],
  options: PlanOptions,
): Promise<{ probe: BoardProbe; plan: Plan; probeMs: number; index: RemoteIndex }> {
  const started = performance.now();
  const candidates = new Map(files.map((f) => [remotePath(options.dest, f.relative), f.bytes.length]));
  // Only the folders the project has, unless --delete needs everything under the destination.
  const folders = options.deleteExtraneous ? null : projectFolders(options.dest, files);
  let probe = options.probe;
  let index;
  // On a small board without raw-paste, every sync's first program follows a soft reset (see
  // ExecOptions.freshHeapIfPlain), and so do the write commands (TransferSettings.freshHeap): the
  // index sends that reset along with its code, so it costs no round trip of its own.
  const resetAfterIndex = (board: BoardProbe) => ({ thenFreshHeapIfPlain: transferSettings(board).freshHeap });
  if (probe) {
    index = await fetchRemoteIndex(repl, options.dest, candidates, folders, { freshHeapIfPlain: true, ...resetAfterIndex(probe) });
  } else {
    // Probe and index in one program — one round trip fewer on every sync — where the board
    // compiles while the code streams in (raw-paste). Plain raw mode buffers the whole program
    // first, which boards that old (the micro:bit: 7 KB of heap) cannot afford: two programs.
    // The board's id goes with the probe there, and with the index here (probe-program.ts, ID_SNIPPET).
    const combined = pySource(PROBE_SNIPPET, ID_SNIPPET, `print('${INDEX_MARK}')\n`, indexSnippet(options.dest, candidates, folders));
    const program = (mode: ExecMode) => (mode === 'raw-paste' ? combined : PROBE_SNIPPET);
    const stdout = await runReadOnly(repl, program, { timeoutMs: 60_000, freshHeapIfPlain: true });
    const at = stdout.indexOf(INDEX_MARK);
    probe = parseProbeOutput(at < 0 ? stdout : stdout.slice(0, at), repl.rawPaste === 'supported');
    if (at < 0) {
      const indexed = await runReadOnly(repl, pySource(ID_SNIPPET, indexSnippet(options.dest, candidates, folders)), {
        timeoutMs: 60_000,
        ...resetAfterIndex(probe),
      });
      probe.uniqueId = parseUniqueId(indexed);
      index = parseIndexOutput(indexed);
    } else index = parseIndexOutput(stdout.slice(at + INDEX_MARK.length));
  }
  const probeMs = options.probe ? 0 : Math.round(performance.now() - started);
  const plan = planSync({ local: files, board: probe, index, dest: options.dest, deleteExtraneous: options.deleteExtraneous });
  return { probe, plan, probeMs, index };
}

/** The destination and every folder a project file lands in, parents first. */
export function projectFolders(dest: string, files: LocalFile[]): string[] {
  const folders = new Set<string>([dest]);
  for (const f of files) {
    const parts = f.relative.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) folders.add(remotePath(dest, parts.slice(0, i).join('/')));
  }
  return [...folders].sort();
}
