import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LocalFile } from '../protocol/plan/plan.ts';
import type { ProjectProblem } from '../protocol/session/sync-board.ts';
import { walkProject } from '../protocol/plan/project-walk.ts';
import { nodeTree } from './node-tree.ts';
import { isHostOnlyFile, PROJECT_FILE, readProjectSettings } from '../protocol/packages/project-settings.ts';

export type { ProjectProblem } from '../protocol/session/sync-board.ts';

export interface Project {
  root: string;
  files: LocalFile[];
  /** Files or folders that could not be taken, each with a one-line reason. */
  problems: ProjectProblem[];
  /** What `mpysync.json` declares: packages to install with the files, and the index they come from. */
  packages?: string[];
  index?: string | null;
}

/**
 * Reads a project folder: every file not ignored (`.mpysyncignore`, gitignore syntax), with its
 * path relative to the folder (protocol/plan/project-walk.ts). Links that point outside the folder
 * are refused, so nothing outside the source can ever be sent; unreadable files and folders are
 * reported, not fatal.
 */
export async function readProject(root: string): Promise<Project> {
  const absRoot = path.resolve(root);
  const stat = await fs.stat(absRoot).catch(() => null);
  if (!stat) throw Object.assign(new Error(`no such folder: ${root}`), { code: 'ENOENT' });
  if (!stat.isDirectory()) throw Object.assign(new Error(`${root} is a file; give the folder that holds your project`), { code: 'ENOTDIR' });
  const { files, problems } = await walkProject(await nodeTree(absRoot));
  const settings = files.find((f) => f.relative === PROJECT_FILE);
  return {
    root: absRoot,
    files: files.filter((f) => !isHostOnlyFile(f.relative)),
    problems,
    ...readProjectSettings(settings?.bytes, path.join(root, PROJECT_FILE)),
  };
}
