import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ProjectTree, TreeEntry } from '../protocol/plan/project-walk.ts';

/**
 * A folder of this machine as a ProjectTree. Links are followed; unless `linksOut` allows it, a link
 * that points outside the folder is refused, so nothing outside the source can ever be sent.
 */
export async function nodeTree(root: string, options: { linksOut?: boolean } = {}): Promise<ProjectTree> {
  const realRoot = await fs.realpath(root);
  const inside = (target: string) => target === realRoot || target.startsWith(realRoot + path.sep);
  return {
    rootId: realRoot,
    async list(dir) {
      const abs = path.join(root, dir);
      const entries: TreeEntry[] = [];
      for (const entry of await fs.readdir(abs, { withFileTypes: true })) {
        const full = path.join(abs, entry.name);
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          const target = await fs.realpath(full).catch(() => null);
          if (!target) {
            entries.push({ name: entry.name, kind: 'problem', reason: 'a link to something that does not exist' });
            continue;
          }
          if (!options.linksOut && !inside(target)) {
            entries.push({ name: entry.name, kind: 'problem', reason: `a link to ${target}, outside the source folder; mpysync only sends what is inside it` });
            continue;
          }
          const info = await fs.stat(full);
          isDir = info.isDirectory();
          isFile = info.isFile();
        }
        if (isDir) entries.push({ name: entry.name, kind: 'dir', id: await fs.realpath(full) });
        else if (isFile) entries.push({ name: entry.name, kind: 'file' });
      }
      return entries;
    },
    read: async (relative) => new Uint8Array(await fs.readFile(path.join(root, relative))),
  };
}
