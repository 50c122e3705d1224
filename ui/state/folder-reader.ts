/**
 * Reads a project folder in the browser, from whichever source the browser offers: a File System
 * Access handle (Chrome, Edge), the files of an `<input webkitdirectory>`, or a drag-and-drop.
 * Leaves out what never belongs on a board, like the CLI does (device/project-files.ts).
 */
import { treeOfPaths, walkProject, type ProjectTree, type TreeEntry, type WalkedProject } from '../../protocol/plan/project-walk.ts';
import type { LocalFile } from '../../protocol/plan/plan.ts';

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

/** The nodes under `top` as a ProjectTree for the one project walk (each folder is listed once, parents first). */
async function collect(name: string, top: AsyncIterable<TreeNode>): Promise<FolderContents> {
  const folders = new Map<string, AsyncIterable<TreeNode>>([['', top]]);
  const files = new Map<string, TreeNode>();
  const tree: ProjectTree = {
    async list(dir) {
      const entries: TreeEntry[] = [];
      for await (const node of folders.get(dir)!) {
        const relative = dir ? `${dir}/${node.name}` : node.name;
        if (node.kind === 'directory') folders.set(relative, node.children());
        else files.set(relative, node);
        entries.push({ name: node.name, kind: node.kind === 'directory' ? 'dir' : 'file' });
      }
      return entries;
    },
    read: async (relative) => new Uint8Array(await (await files.get(relative)!.file()).arrayBuffer()),
  };
  return contents(name, await walkProject(tree));
}

async function collectFlat(name: string, found: Array<{ relative: string; file: File }>): Promise<FolderContents> {
  const tree = treeOfPaths(found.map(({ relative, file }) => ({ relative, read: async () => new Uint8Array(await file.arrayBuffer()) })));
  return contents(name, await walkProject(tree));
}

function contents(name: string, walked: WalkedProject): FolderContents {
  return { name, files: walked.files, ignored: walked.ignored.sort() };
}
