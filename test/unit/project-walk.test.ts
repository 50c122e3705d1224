import { describe, expect, it } from 'vitest';
import { treeOfPaths, walkProject, type ProjectTree } from '../../protocol/plan/project-walk.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const flat = (paths: Record<string, string>) => treeOfPaths(Object.entries(paths).map(([relative, text]) => ({ relative, read: async () => enc(text) })));

describe('walkProject: the one walk over a project, for Node and the browser', () => {
  it('keeps every file, sorted, and leaves out what the rules and .mpysyncignore say, an ignored folder once', async () => {
    const walked = await walkProject(
      flat({
        'main.py': 'x',
        'lib/b.py': 'b',
        'lib/a.py': 'a',
        '.mpysyncignore': 'secret.py\n',
        'secret.py': 's',
        '.git/HEAD': 'h',
        'lib/__pycache__/a.pyc': 'c',
      }),
    );
    expect(walked.files.map((f) => f.relative)).toEqual(['lib/a.py', 'lib/b.py', 'main.py']);
    expect(walked.ignored.sort()).toEqual(['.git/', '.mpysyncignore', 'lib/__pycache__/', 'secret.py']);
    expect(new TextDecoder().decode(walked.files[0]!.bytes)).toBe('a');
  });

  it('without rules walks everything; include picks files', async () => {
    const walked = await walkProject(flat({ 'a.mpy': '', '.git/x.mpy': '', 'b.py': '' }), { rules: false, include: (p) => p.endsWith('.mpy') });
    expect(walked.files.map((f) => f.relative)).toEqual(['.git/x.mpy', 'a.mpy']);
  });

  it('reports what the tree refuses or cannot read, and walks a linked loop once', async () => {
    let listed = 0;
    const tree: ProjectTree = {
      rootId: 'root',
      async list(dir) {
        listed++;
        if (dir === 'locked') throw Object.assign(new Error('no'), { code: 'EACCES' });
        return [
          { name: 'again', kind: 'dir', id: 'root' },
          { name: 'locked', kind: 'dir', id: 'locked' },
          { name: 'out', kind: 'problem', reason: 'a link outside' },
          { name: 'bad.py', kind: 'file' },
        ];
      },
      read: async () => {
        throw Object.assign(new Error('no'), { code: 'EIO' });
      },
    };
    const walked = await walkProject(tree, { rules: false });
    expect(walked.problems).toEqual([
      { file: 'bad.py', reason: 'cannot read this file (EIO)' },
      { file: 'locked', reason: 'cannot read this folder (EACCES)' },
      { file: 'out', reason: 'a link outside' },
    ]);
    expect(listed).toBe(2);
  });
});
