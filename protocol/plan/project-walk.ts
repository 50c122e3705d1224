/**
 * The one walk over a project folder, whatever holds it (Node's file system, a browser's folder
 * handle, a drop, an `<input webkitdirectory>` list): every file not left out by the rules, sorted,
 * with its path relative to the top. Pure: the tree does the reading.
 */
import ignore from 'ignore';
import type { ProjectProblem } from '../session/sync-board.ts';
import type { LocalFile } from './plan.ts';
import { ALWAYS_IGNORED, IGNORE_FILE } from './project-rules.ts';

/** One entry of a folder, links already followed by the tree. */
export type TreeEntry =
  | { name: string; kind: 'file' }
  /** `id` names the real folder (a Node realpath), so a linked loop is walked once. */
  | { name: string; kind: 'dir'; id?: string }
  /** Something the tree will not hand out (a link out of the project, a broken link), with the reason. */
  | { name: string; kind: 'problem'; reason: string };

export interface ProjectTree {
  /** The entries of folder `dir` ('' is the top); rejects with a reason when it cannot be read. */
  list(dir: string): Promise<TreeEntry[]>;
  read(path: string): Promise<Uint8Array>;
  /** The top folder's `id`, when the tree gives folders ids (a link back to it is not walked again). */
  rootId?: string;
}

export interface WalkOptions {
  /** Apply ALWAYS_IGNORED and the project's `.mpysyncignore` (default true; `check` walks everything). */
  rules?: boolean;
  /** Keep only the files this accepts (after the rules). */
  include?: (relative: string) => boolean;
}

export interface WalkedProject {
  files: LocalFile[];
  /** Files or folders that could not be taken, each with a one-line reason. */
  problems: ProjectProblem[];
  /** What the rules left out (an ignored folder once, with a trailing `/`). */
  ignored: string[];
}

const reasonOf = (error: unknown) => (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));

export async function walkProject(tree: ProjectTree, options: WalkOptions = {}): Promise<WalkedProject> {
  const useRules = options.rules ?? true;
  const include = options.include ?? (() => true);
  const rules = ignore().add(ALWAYS_IGNORED);
  if (useRules) {
    const top = await tree.list('').catch(() => []);
    if (top.some((e) => e.name === IGNORE_FILE && e.kind === 'file')) {
      rules.add(new TextDecoder().decode(await tree.read(IGNORE_FILE).catch(() => new Uint8Array(0))));
    }
  }
  const result: WalkedProject = { files: [], problems: [], ignored: [] };
  const seen = new Set<string>(tree.rootId === undefined ? [] : [tree.rootId]);
  const visit = async (dir: string): Promise<void> => {
    let entries: TreeEntry[];
    try {
      entries = await tree.list(dir);
    } catch (error) {
      result.problems.push({ file: dir || '.', reason: `cannot read this folder (${reasonOf(error)})` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.kind === 'problem') {
        result.problems.push({ file: relative, reason: entry.reason });
        continue;
      }
      const isDir = entry.kind === 'dir';
      // Ignored folders are not even opened: node_modules can hold thousands of files.
      if (useRules && rules.ignores(isDir ? relative + '/' : relative)) {
        result.ignored.push(isDir ? relative + '/' : relative);
        continue;
      }
      if (isDir) {
        if (entry.id !== undefined) {
          if (seen.has(entry.id)) continue;
          seen.add(entry.id);
        }
        await visit(relative);
      } else if (include(relative)) {
        try {
          result.files.push({ relative, bytes: await tree.read(relative) });
        } catch (error) {
          result.problems.push({ file: relative, reason: `cannot read this file (${reasonOf(error)})` });
        }
      }
    }
  };
  await visit('');
  return result;
}

/** A tree over files that each know their path (an `<input webkitdirectory>` list, a test). */
export function treeOfPaths(files: ReadonlyArray<{ relative: string; read: () => Promise<Uint8Array> }>): ProjectTree {
  const byPath = new Map(files.map((f) => [f.relative, f]));
  return {
    async list(dir) {
      const prefix = dir ? dir + '/' : '';
      const names = new Map<string, TreeEntry>();
      for (const f of files) {
        if (!f.relative.startsWith(prefix)) continue;
        const [name, ...rest] = f.relative.slice(prefix.length).split('/');
        if (name) names.set(name, rest.length ? { name, kind: 'dir' } : { name, kind: 'file' });
      }
      return [...names.values()];
    },
    read: (path) => byPath.get(path)!.read(),
  };
}
