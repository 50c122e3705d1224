/**
 * Will every import of the project find its module on this board? Each `.py` the plan keeps is
 * scanned (imports.ts), and each import resolved as MicroPython's import would: against the
 * project's files where the sync puts them, in the board's `sys.path` order, then the board's own
 * files and its built-in and frozen modules (board-modules.ts, asked only when the project alone
 * does not answer). An optional import (`try: … except ImportError`) is never a problem.
 */
import { sha256, toHex } from '../codec/index.ts';
import type { BoardProbe } from '../probe/probe.ts';
import type { BoardModules } from './board-modules.ts';
import { scanImports, type ImportRef } from './imports.ts';
import type { LocalFile } from './plan.ts';
import type { SourceProblem } from './source-check.ts';

/** A project file where the sync leaves it: `remote` is its path on the board, absolute or relative to the current folder. */
export interface PlacedFile {
  file: string;
  remote: string;
}

export interface ImportCheckInput {
  /** The `.py` files the plan keeps, with their text. */
  sources: Array<LocalFile & PlacedFile>;
  /** Every module file the board will hold from the project (`.py` and `.mpy`, sent or unchanged). */
  kept: PlacedFile[];
  /** `.mpy` files the board refused: importing one is a problem of the importer. */
  refused: PlacedFile[];
  board: BoardProbe;
}

/** Each firmware's built-in and frozen modules, kept by the host between syncs (they change only with the firmware). */
export interface FirmwareModulesCache {
  get(key: string): Promise<string[] | undefined>;
  set(key: string, names: string[]): Promise<void>;
}

/** The cache key of a firmware: its name, version, build, platform and machine, digested. */
export function firmwareKey(board: BoardProbe): string {
  const { name, version, build, machine } = board.implementation;
  return toHex(sha256(new TextEncoder().encode(['modules', name, version, build ?? '', machine ?? '', board.platform].join('\0'))));
}

/** True when some import resolves nowhere in the project (or names a refused file): only then is the board asked (board-modules.ts). */
export function unresolvedInProject(input: ImportCheckInput, path: string[] = ['', '/lib']): boolean {
  return findProblems(input, { path, builtins: null, files: new Set() }, false).length > 0;
}

export function checkImports(input: ImportCheckInput, modules: BoardModules): SourceProblem[] {
  return findProblems(input, modules, true);
}

/** True when the project and these built-ins (a cache's, with the usual `sys.path`) answer every import. */
export function resolvedWithBuiltins(input: ImportCheckInput, builtins: string[]): boolean {
  const modules = { path: ['', '.frozen', '/lib'], builtins: new Set(builtins), files: new Set<string>() };
  return findProblems(input, modules, true).length === 0;
}

function findProblems(input: ImportCheckInput, modules: BoardModules, final: boolean): SourceProblem[] {
  const cwd = input.board.fs.cwd ?? '/';
  const roots = modules.path.filter((d) => d === '' || d.startsWith('/')).map((d) => (d === '' ? cwd : d));
  const absolute = (remote: string) => (remote.startsWith('/') ? remote : joinPath(cwd, remote));
  const project = moduleNames(
    input.kept.map((f) => absolute(f.remote)),
    roots,
  );
  const refused = moduleNames(
    input.refused.map((f) => absolute(f.remote)),
    roots,
  );
  const onBoard = moduleNames([...modules.files].map(absolute), roots);
  const problems: SourceProblem[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (const source of input.sources) {
    const self = ownModuleName(absolute(source.remote), roots);
    for (const ref of scanImports(decoder.decode(source.bytes))) {
      if (ref.optional) continue;
      const wanted = targetOf(ref, self);
      if (wanted === null) continue;
      if (project.has(wanted)) continue;
      if (refused.has(wanted)) {
        problems.push(problem(source.file, ref, `imports ${wanted}, which this board refused (${refused.get(wanted)}: see the refused files)`));
        continue;
      }
      if (!final) {
        problems.push(problem(source.file, ref, 'unresolved in the project'));
        continue;
      }
      if (onBoard.has(wanted) || isBuiltin(wanted, modules.builtins)) continue;
      // Without the firmware's module list nothing can be said of a name that may be built in.
      if (modules.builtins === null) continue;
      const firmware = `MicroPython ${input.board.implementation.version} on ${input.board.platform}`;
      problems.push(
        problem(
          source.file,
          ref,
          `imports ${wanted}, which is not in the project, not on the board and not built into this firmware (${firmware}). ` +
            `Fix: add ${wanted.replace(/\./g, '/')}.py to the project (or install the package), or guard the import with try/except ImportError.`,
        ),
      );
    }
  }
  return problems;
}

function problem(file: string, ref: ImportRef, why: string): SourceProblem {
  return { file, line: ref.line, kind: 'import', message: `${file}:${ref.line} ${why}` };
}

/** The dotted module an import needs, or null when it cannot be told (a relative import from outside sys.path). */
function targetOf(ref: ImportRef, self: { name: string; isPackage: boolean } | null): string | null {
  if (ref.level === 0) return ref.module;
  if (!self) return null;
  const parts = self.name.split('.');
  // A package's __init__ is its own package; a module's package is its parent. Each dot past the first goes one up.
  const packageParts = self.isPackage ? parts : parts.slice(0, -1);
  const up = ref.level - 1;
  if (up > packageParts.length) return null;
  const name = [...packageParts.slice(0, packageParts.length - up), ref.module].filter(Boolean).join('.');
  return name || null;
}

/** Every dotted name importable from `paths` under `roots`, with the file it comes from; folders are packages too. */
function moduleNames(paths: string[], roots: string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const path of paths) {
    for (const root of roots) {
      const prefix = root.endsWith('/') ? root : root + '/';
      if (!path.startsWith(prefix)) continue;
      const parts = path.slice(prefix.length).split('/');
      const last = parts.pop()!;
      for (let i = 1; i <= parts.length; i++) if (!names.has(parts.slice(0, i).join('.'))) names.set(parts.slice(0, i).join('.'), path);
      const stem = /^(.+)\.m?py$/.exec(last)?.[1];
      if (stem === '__init__') continue;
      const name = [...parts, stem ?? last].join('.');
      if (!names.has(name)) names.set(name, path);
    }
  }
  return names;
}

function ownModuleName(path: string, roots: string[]): { name: string; isPackage: boolean } | null {
  for (const root of roots) {
    const prefix = root.endsWith('/') ? root : root + '/';
    if (!path.startsWith(prefix)) continue;
    const parts = path
      .slice(prefix.length)
      .replace(/\.m?py$/, '')
      .split('/');
    if (parts.at(-1) === '__init__') return { name: parts.slice(0, -1).join('.'), isPackage: true };
    return { name: parts.join('.'), isPackage: false };
  }
  return null;
}

/** Built in, allowing for MicroPython's `u` names: `ujson` for `json` before 1.21, `json` for `ujson` after. */
function isBuiltin(name: string, builtins: Set<string> | null): boolean {
  if (!builtins) return false;
  return builtins.has(name) || builtins.has('u' + name) || (name.startsWith('u') && builtins.has(name.slice(1)));
}

function joinPath(dir: string, relative: string): string {
  return (dir.endsWith('/') ? dir : dir + '/') + relative;
}

/** A cache for the life of the process or page (the web page keeps no files). */
export function memoryFirmwareModules(): FirmwareModulesCache {
  const names = new Map<string, string[]>();
  return { get: async (key) => names.get(key), set: async (key, list) => void names.set(key, list) };
}
