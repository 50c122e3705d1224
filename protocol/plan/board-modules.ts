/**
 * What a board can import beyond the project: its `sys.path`, the built-in and frozen modules
 * (`help('modules')`), and the files already in its `sys.path` folders (a driver installed earlier).
 * One read-only program, sent only when a project's import resolves nowhere in the project.
 */
import { parsePyLiteral } from '../python/parse-literal.ts';
import { runReadOnly, type RawRepl } from '../repl/index.ts';

export interface BoardModules {
  /** `sys.path` as the board has it ('' is the current folder; a firmware without one, the micro:bit, imports from there). */
  path: string[];
  /** Built-in and frozen modules, dotted; null when the firmware has no `help('modules')`. */
  builtins: Set<string> | null;
  /** Files and folders under the `sys.path` folders (absolute, or relative to the current folder for ''). */
  files: Set<string>;
}

const MARK = 'mps-m#';
/** Enough for a /lib of drivers; the listing stops there (a board full of files costs no more). */
const MAX_ENTRIES = 400;

export const BOARD_MODULES_PROGRAM = `import sys
try:
 import os
except ImportError:
 import uos as os
_sp=getattr(sys,'path',[''])
print('${MARK}path',repr(_sp))
_n=[0]
def _w(d,k):
 try:
  es=os.listdir(d) if d else os.listdir()
 except Exception:
  return
 for e in es:
  if _n[0]>=${MAX_ENTRIES}:
   return
  _n[0]+=1
  p=d.rstrip('/')+'/'+e if d else e
  print('${MARK}f',repr(p))
  if k<3 and '.' not in e:
   _w(p,k+1)
for d in _sp:
 if d=='' or d[:1]=='/':
  _w(d,0)
print('${MARK}modules')
try:
 help('modules')
except Exception:
 print('${MARK}nohelp')
`;

export async function readBoardModules(repl: RawRepl): Promise<BoardModules> {
  return parseBoardModules(await runReadOnly(repl, BOARD_MODULES_PROGRAM, { timeoutMs: 20_000 }));
}

export function parseBoardModules(stdout: string): BoardModules {
  const lines = stdout.split(/\r?\n/);
  let path: string[] = [];
  const files = new Set<string>();
  let builtins: Set<string> | null = null;
  let inModules = false;
  for (const line of lines) {
    if (line.startsWith(`${MARK}path `)) path = parsePyLiteral(line.slice(MARK.length + 5)) as string[];
    else if (line.startsWith(`${MARK}f `)) files.add(parsePyLiteral(line.slice(MARK.length + 2)) as string);
    else if (line.startsWith(`${MARK}nohelp`)) builtins = null;
    else if (line.startsWith(`${MARK}modules`)) {
      inModules = true;
      builtins = new Set();
    } else if (inModules && builtins) {
      // help('modules') prints names in columns, then "Plus any modules on the filesystem".
      if (/^Plus any modules/.test(line)) inModules = false;
      else for (const name of line.trim().split(/\s+/)) if (/^[\w/.]+$/.test(name)) addFrozen(builtins, name);
    }
  }
  return { path, builtins, files };
}

/** `asyncio/__init__` is the package `asyncio`; `os/path` is `os.path`, and `os` too. */
function addFrozen(names: Set<string>, listed: string): void {
  const parts = listed.replace(/\/__init__$/, '').split('/');
  for (let i = 1; i <= parts.length; i++) names.add(parts.slice(0, i).join('.'));
}
