/**
 * Reads a project folder in the browser, from whichever source the browser offers: a File System
 * Access handle (Chrome, Edge), the files of an `<input webkitdirectory>`, or a drag-and-drop.
 * Leaves out what never belongs on a board, like the CLI does (device/project-files.ts).
 */
import ignore from 'ignore';
import { ALWAYS_IGNORED, IGNORE_FILE } from '../../protocol/plan/project-rules';
import type { LocalFile } from '../../protocol/plan/plan';

export interface FolderContents {
  name: string;
  files: LocalFile[];
  ignored: string[];
}

/** One entry of a folder tree, whatever API it came from. */
interface TreeNode {
  name: string;
  kind: 'file' | 'directory';
  file(): Promise<File>;
  children(): AsyncIterable<TreeNode>;
}

/** The part of the File System Access API used here (not in TypeScript's DOM lib everywhere). */
export interface DirectoryHandleLike {
  kind: 'directory';
  name: string;
  values(): AsyncIterable<DirectoryHandleLike | FileHandleLike>;
}
interface FileHandleLike {
  kind: 'file';
  name: string;
  getFile(): Promise<File>;
}

export function readDirectoryHandle(handle: DirectoryHandleLike): Promise<FolderContents> {
  const node = (h: DirectoryHandleLike | FileHandleLike): TreeNode => ({
    name: h.name,
    kind: h.kind,
    file: () => (h as FileHandleLike).getFile(),
    children: async function* () {
      for await (const child of (h as DirectoryHandleLike).values()) yield node(child);
    },
  });
  return collect(handle.name, node(handle).children());
}

/** The files of `<input type=file webkitdirectory>`: each knows its path below the chosen folder. */
export async function readInputFiles(list: ArrayLike<File>): Promise<FolderContents> {
  const files = Array.from(list);
  const rootName = files[0]?.webkitRelativePath.split('/')[0] || 'files';
  const withPaths = files.map((file) => {
    const parts = (file.webkitRelativePath || file.name).split('/');
    return { relative: parts.length > 1 ? parts.slice(1).join('/') : parts[0], file };
  });
  return collectFlat(rootName, withPaths);
}

/**
 * A drop: one folder is taken as the project folder; loose files (or several items) become the
 * top level of a project.
 */
export async function readDataTransfer(items: DataTransferItemList): Promise<FolderContents> {
  const entries = Array.from(items)
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry())
    .filter((entry): entry is FileSystemEntry => entry !== null);
  if (entries.length === 1 && entries[0].isDirectory) {
    return collect(entries[0].name, entryNode(entries[0]).children());
  }
  async function* top() {
    for (const entry of entries) yield entryNode(entry);
  }
  return collect('dropped files', top());
}

function entryNode(entry: FileSystemEntry): TreeNode {
  return {
    name: entry.name,
    kind: entry.isDirectory ? 'directory' : 'file',
    file: () => new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)),
    children: async function* () {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries hands out batches (100 in Chrome) until it returns an empty one.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) return;
        for (const child of batch) yield entryNode(child);
      }
    },
  };
}

async function collect(name: string, top: AsyncIterable<TreeNode>): Promise<FolderContents> {
  const always = ignore().add(ALWAYS_IGNORED);
  const found: Array<{ relative: string; file: File }> = [];
  const ignored: string[] = [];
  const visit = async (nodes: AsyncIterable<TreeNode>, prefix: string) => {
    for await (const node of nodes) {
      const relative = prefix + node.name;
      const isDir = node.kind === 'directory';
      // Ignored folders are not even opened: node_modules can hold thousands of files.
      if (always.ignores(isDir ? relative + '/' : relative)) {
        ignored.push(isDir ? relative + '/' : relative);
        if (relative === IGNORE_FILE) found.push({ relative, file: await node.file() });
        continue;
      }
      if (isDir) await visit(node.children(), relative + '/');
      else found.push({ relative, file: await node.file() });
    }
  };
  await visit(top, '');
  return collectFlat(name, found, ignored);
}

async function collectFlat(name: string, found: Array<{ relative: string; file: File }>, alreadyIgnored: string[] = []): Promise<FolderContents> {
  const rules = ignore().add(ALWAYS_IGNORED);
  const ignoreFile = found.find((f) => f.relative === IGNORE_FILE);
  if (ignoreFile) rules.add(await ignoreFile.file.text());
  const ignored = new Set(alreadyIgnored);
  const files: LocalFile[] = [];
  for (const { relative, file } of found) {
    const hit = ignoredAs(rules, relative);
    if (hit) {
      ignored.add(hit);
      continue;
    }
    files.push({ relative, bytes: new Uint8Array(await file.arrayBuffer()) });
  }
  files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return { name, files, ignored: [...ignored].sort() };
}

/** The path (or the ignored folder holding it) when a rule leaves it out; null when it is kept. */
function ignoredAs(rules: ReturnType<typeof ignore>, relative: string): string | null {
  const parts = relative.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/') + '/';
    if (rules.ignores(dir)) return dir;
  }
  return rules.ignores(relative) ? relative : null;
}
