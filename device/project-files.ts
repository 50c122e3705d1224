import { promises as fs } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import type { LocalFile } from '../protocol/plan/plan';
import type { ProjectProblem } from '../protocol/session/sync-board';
import { ALWAYS_IGNORED, IGNORE_FILE } from '../protocol/plan/project-rules';

export type { ProjectProblem } from '../protocol/session/sync-board';

export interface Project {
  root: string;
  files: LocalFile[];
  /** Files or folders that could not be taken, each with a one-line reason. */
  problems: ProjectProblem[];
}

/**
 * Reads a project folder: every file not ignored (`.mpysyncignore`, gitignore syntax), with its
 * path relative to the folder. Links that point outside the folder are refused, so nothing outside
 * the source can ever be sent; unreadable files and folders are reported, not fatal.
 */
export async function readProject(root: string): Promise<Project> {
  const absRoot = path.resolve(root);
  const stat = await fs.stat(absRoot).catch(() => null);
  if (!stat) throw Object.assign(new Error(`no such folder: ${root}`), { code: 'ENOENT' });
  if (!stat.isDirectory()) throw Object.assign(new Error(`${root} is a file; give the folder that holds your project`), { code: 'ENOTDIR' });
  const realRoot = await fs.realpath(absRoot);
  const rules = ignore().add(ALWAYS_IGNORED);
  const ignoreText = await fs.readFile(path.join(absRoot, IGNORE_FILE), 'utf8').catch(() => '');
  rules.add(ignoreText);

  const files: LocalFile[] = [];
  const problems: ProjectProblem[] = [];
  const visit = async (dirAbs: string, dirRel: string, seen: Set<string>) => {
    let entries;
    try {
      entries = await fs.readdir(dirAbs, { withFileTypes: true });
    } catch (error) {
      problems.push({ file: dirRel || '.', reason: `cannot read this folder (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      const abs = path.join(dirAbs, entry.name);
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = await fs.realpath(abs).catch(() => null);
        if (!target) {
          problems.push({ file: rel, reason: 'a link to something that does not exist' });
          continue;
        }
        if (target !== realRoot && !target.startsWith(realRoot + path.sep)) {
          problems.push({ file: rel, reason: `a link to ${target}, outside the source folder; mpysync only sends what is inside it` });
          continue;
        }
        const targetStat = await fs.stat(abs);
        isDir = targetStat.isDirectory();
        if (isDir && seen.has(target)) continue;
      }
      if (rules.ignores(isDir ? rel + '/' : rel)) continue;
      if (isDir) {
        const real = await fs.realpath(abs);
        await visit(abs, rel, new Set([...seen, real]));
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        try {
          files.push({ relative: rel, bytes: new Uint8Array(await fs.readFile(abs)) });
        } catch (error) {
          problems.push({ file: rel, reason: `cannot read this file (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
        }
      }
    }
  };
  await visit(absRoot, '', new Set([realRoot]));
  return { root: absRoot, files, problems };
}
