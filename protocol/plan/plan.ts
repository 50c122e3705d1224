import { boardHash, type HashAlgo } from '../board-hash.ts';
import { judgeMpy } from '../mpy/index.ts';
import type { BoardProbe } from '../probe/probe.ts';

/** Suffix of a file being written: never importable, never mistaken for a module. */
export const TEMP_SUFFIX = '~mps';

/** A file of the local project, path relative to the source folder with `/` separators. */
export interface LocalFile {
  relative: string;
  bytes: Uint8Array;
}

/** What the board holds under the destination, fetched in one round trip (see indexSnippet). */
export interface RemoteIndex {
  algo: HashAlgo;
  files: Array<{ path: string; size: number; fingerprint: string | null }>;
  dirs: string[];
}

export type PlanEntry =
  | { action: 'upload'; file: string; remote: string; size: number; fingerprint: string; reason: string }
  | { action: 'skip'; file: string; remote: string; size: number; reason: string }
  | { action: 'refuse'; file: string; firmwareError: string | null; summary: string; fix: string | null }
  | { action: 'delete'; remote: string; size: number; reason: string };

/** An `.mpy` the board cannot load whose `.py` beside it goes instead. */
export interface Substitution {
  file: string;
  instead: string;
  firmwareError: string | null;
  summary: string;
  fix: string | null;
}

export interface Plan {
  dest: string;
  entries: PlanEntry[];
  substitutions: Substitution[];
  mkdirs: string[];
  uploadBytes: number;
  /** Reasons the sync must not start (e.g. not enough free space); empty when it may. */
  blockers: string[];
  /** Folders under the destination that `--delete` empties: removed after their files, deepest first. */
  rmdirs: string[];
  /** What the user should know of how it will go (free space unknown…); nothing that stops it. */
  notes: string[];
}

export interface PlanInput {
  local: LocalFile[];
  board: BoardProbe;
  index: RemoteIndex;
  /** Destination folder on the board; '' is the board's current directory. */
  dest: string;
  deleteExtraneous?: boolean;
}

/** The files the board will hold from the project after the sync: those sent and those already there. */
export function keptEntries(entries: readonly PlanEntry[]): Array<{ file: string; remote: string }> {
  return entries.flatMap((e) => (e.action === 'upload' || e.action === 'skip' ? [{ file: e.file, remote: e.remote }] : []));
}

export function remotePath(dest: string, relative: string): string {
  if (!dest) return relative;
  return dest.replace(/\/+$/, '') + '/' + relative;
}

const dirname = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const stem = (p: string) => p.replace(/\.[^./]*$/, '');

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function badNameReason(relative: string): string | null {
  // The folder reader never produces these; a web page's file list or another caller might.
  if (relative.startsWith('/')) return 'it is an absolute path; only paths inside the source folder are sent';
  if (relative.split('/').some((part) => part === '..' || part === '.' || part === '')) {
    return 'its path has a "..", "." or empty part, which could point outside the destination folder';
  }
  if (/[\x00-\x1f\x7f]/.test(relative))
    return 'its name contains a control character (newline, tab, …), which board file systems and tools mishandle; rename it';
  if (relative.endsWith(TEMP_SUFFIX)) return `names ending in "${TEMP_SUFFIX}" are mpysync's temporary files`;
  return null;
}

/**
 * Decides, for every local file, what the sync will do on this board — pure, no I/O. The `.mpy`
 * verdicts are the loader's own rules (protocol/mpy); the rest compares fingerprints.
 */
export function planSync(input: PlanInput): Plan {
  const { local, board, index, dest } = input;
  const entries: PlanEntry[] = [];
  const substitutions: Substitution[] = [];
  const remoteByPath = new Map(index.files.map((f) => [f.path, f]));
  const localByRelative = new Map(local.map((f) => [f.relative, f]));
  const boardTarget = {
    mpy: board.mpy?.raw ?? null,
    smallIntBits: board.smallIntBits,
    firmwareVersion: board.implementation.version,
  };

  // First pass: which local files the board should end up with.
  const wanted: LocalFile[] = [];
  const supersededPy = new Set<string>();
  for (const file of local) {
    const bad = badNameReason(file.relative);
    if (bad) {
      entries.push({ action: 'refuse', file: file.relative, firmwareError: null, summary: `${file.relative}: ${bad}.`, fix: null });
      continue;
    }
    if (!board.fs.dirs && file.relative.includes('/')) {
      entries.push({
        action: 'refuse',
        file: file.relative,
        firmwareError: null,
        summary: `${file.relative} is in a folder, but this board's file system has no folders (MicroPython ${board.implementation.version} on ${board.platform}).`,
        fix: 'Put the file at the top of the project for this board.',
      });
      continue;
    }
    if (file.relative.endsWith('.py') && !isUtf8(file.bytes)) {
      entries.push({
        action: 'refuse',
        file: file.relative,
        firmwareError: null,
        summary: `${file.relative} is not UTF-8 text; MicroPython reads source as UTF-8 and would fail to import it.`,
        fix: 'Save the file as UTF-8 in your editor.',
      });
      continue;
    }
    if (!file.relative.endsWith('.mpy')) {
      wanted.push(file);
      continue;
    }
    const verdict = judgeMpy(basename(file.relative), file.bytes, boardTarget);
    const twin = localByRelative.get(stem(file.relative) + '.py');
    if (verdict.loadable) {
      wanted.push(file);
      if (twin) supersededPy.add(twin.relative);
    } else if (twin) {
      substitutions.push({ file: file.relative, instead: twin.relative, firmwareError: verdict.firmwareError, summary: verdict.summary, fix: verdict.fix });
    } else {
      entries.push({ action: 'refuse', file: file.relative, firmwareError: verdict.firmwareError, summary: verdict.summary, fix: verdict.fix });
    }
  }

  const planned = new Set<string>();
  let uploadBytes = 0;
  for (const file of wanted) {
    const remote = remotePath(dest, file.relative);
    if (supersededPy.has(file.relative)) {
      entries.push({
        action: 'skip',
        file: file.relative,
        remote,
        size: file.bytes.length,
        reason: `${stem(basename(file.relative))}.mpy loads on this board and is sent instead`,
      });
      continue;
    }
    const free = board.fs.free;
    if (free !== null && file.bytes.length > free) {
      entries.push({
        action: 'refuse',
        file: file.relative,
        firmwareError: null,
        summary: `${file.relative} is ${file.bytes.length} bytes, more than the ${free} bytes free on the board.`,
        fix: 'Free space on the board (mpysync rm), or leave this file out (.mpysyncignore).',
      });
      continue;
    }
    planned.add(remote);
    const fingerprint = boardHash(file.bytes, index.algo);
    const there = remoteByPath.get(remote);
    const isSubstitute = substitutions.some((s) => s.instead === file.relative);
    if (there && there.size === file.bytes.length && there.fingerprint === fingerprint) {
      entries.push({
        action: 'skip',
        file: file.relative,
        remote,
        size: file.bytes.length,
        reason: isSubstitute ? 'unchanged (sent instead of the .mpy)' : 'unchanged',
      });
    } else {
      uploadBytes += file.bytes.length;
      entries.push({
        action: 'upload',
        file: file.relative,
        remote,
        size: file.bytes.length,
        fingerprint,
        reason: (there ? 'changed' : 'new') + (isSubstitute ? ', sent instead of the .mpy the board cannot load' : ''),
      });
    }
  }

  // What the board would really import: a .py left on the board shadows an .mpy we send.
  const deletions = new Map<string, string>();
  for (const remote of planned) {
    if (remote.endsWith('.mpy')) {
      const shadow = stem(remote) + '.py';
      if (remoteByPath.has(shadow) && !planned.has(shadow)) {
        deletions.set(shadow, `MicroPython imports ${basename(shadow)} before ${basename(remote)}, so the old .py on the board would hide the new .mpy`);
      }
    } else if (remote.endsWith('.py')) {
      // The reverse is harmless (the .py is imported first) but leaves a stale module that would come back if the .py went.
      const stale = stem(remote) + '.mpy';
      if (remoteByPath.has(stale) && !planned.has(stale)) deletions.set(stale, `an old ${basename(stale)}: the ${basename(remote)} sent now replaces it`);
    }
  }
  for (const f of index.files) {
    if (f.path.endsWith(TEMP_SUFFIX)) deletions.set(f.path, 'left over from an interrupted transfer');
    else if (
      input.deleteExtraneous &&
      !planned.has(f.path) &&
      !deletions.has(f.path) &&
      ![...localByRelative.keys()].some((r) => remotePath(dest, r) === f.path)
    ) {
      deletions.set(f.path, 'not in the source folder (--delete)');
    }
  }
  for (const [remote, reason] of deletions) {
    entries.push({ action: 'delete', remote, size: remoteByPath.get(remote)?.size ?? 0, reason });
  }

  const existingDirs = new Set(index.dirs);
  const mkdirs = new Set<string>();
  for (const e of entries) {
    if (e.action !== 'upload') continue;
    for (let d = dirname(e.remote); d && d !== '/' && !existingDirs.has(d); d = dirname(d)) mkdirs.add(d);
  }

  const blockers = [...folderBlockers(dest, board), ...spaceBlockers(entries, board, remoteByPath)];
  const notes: string[] = [];
  if (board.fs.free === null && uploadBytes > 0) {
    // Nothing can be checked up front: the most files fit when the small ones go first.
    smallestUploadsFirst(entries);
    notes.push(
      "this board does not say how much space is free (no os.statvfs): the smallest files go first, and the sync stops at the first 'file system is full'",
    );
  }
  const rmdirs = input.deleteExtraneous ? emptiedFolders(dest, index, entries) : [];
  return { dest, entries, substitutions, mkdirs: [...mkdirs].sort(), rmdirs, uploadBytes, blockers, notes };
}

/**
 * The folders under the destination (never the destination itself, never outside it) that hold
 * nothing once the deletions are done and nothing is sent into them; deepest first.
 */
function emptiedFolders(dest: string, index: RemoteIndex, entries: PlanEntry[]): string[] {
  const deleted = new Set(entries.flatMap((e) => (e.action === 'delete' ? [e.remote] : [])));
  const staying = [...index.files.filter((f) => !deleted.has(f.path)).map((f) => f.path), ...keptEntries(entries).map((e) => e.remote)];
  const root = dest.replace(/\/+$/, '');
  const inside = (d: string) => (root ? d.startsWith(root + '/') : d !== '' && d !== '.' && !d.startsWith('/'));
  return index.dirs
    .filter((d) => inside(d) && !staying.some((p) => p.startsWith(d + '/')))
    .sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
}

/** The uploads in order of size, in the places the uploads had (the other entries stay where they are). */
function smallestUploadsFirst(entries: PlanEntry[]): void {
  const at = entries.flatMap((e, i) => (e.action === 'upload' ? [i] : []));
  const sorted = at.map((i) => entries[i]!).sort((a, b) => (a.action === 'upload' && b.action === 'upload' ? a.size - b.size : 0));
  at.forEach((i, k) => (entries[i] = sorted[k]!));
}

/** A destination folder on a board without folders (the micro:bit) would make files named `/lib/main.py`: refused. */
function folderBlockers(dest: string, board: BoardProbe): string[] {
  if (board.fs.dirs || dest === '' || dest === '/' || dest === '.') return [];
  return [
    `this board's file system has no folders (MicroPython ${board.implementation.version} on ${board.platform}), so --dest ${dest} cannot be made: sync to its top (leave --dest out)`,
  ];
}

/** Free-space check before the first byte is sent; files are rounded up to whole blocks. */
function spaceBlockers(entries: PlanEntry[], board: BoardProbe, remoteByPath: Map<string, { size: number }>): string[] {
  const { free, blockSize } = board.fs;
  if (free === null) return [];
  const block = blockSize || 512;
  const onDisk = (n: number) => Math.ceil(n / block) * block;
  let need = 0;
  let largestOld = 0;
  for (const e of entries) {
    if (e.action === 'upload') {
      const old = onDisk(remoteByPath.get(e.remote)?.size ?? 0);
      need += onDisk(e.size) - old;
      largestOld = Math.max(largestOld, old);
    } else if (e.action === 'delete') need -= onDisk(e.size);
  }
  // Each new file is written beside the old one, which is freed only when the new one replaces it.
  const peak = Math.max(need, 0) + largestOld;
  if (peak <= free) return [];
  return [`not enough space on the board: the sync needs about ${peak} bytes and ${free} are free; delete files on the board (mpysync rm) or sync less`];
}
