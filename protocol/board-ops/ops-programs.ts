import { indent, pyStr } from '../python/literal.ts';
import { OS_ERROR_MARK } from './board-errors.ts';

const OS = 'try:\n import os\nexcept ImportError:\n import uos as os\n';

/** The operation, with an OSError said as a line the host reads (board-errors.ts) instead of a traceback. */
function reportingOsError(body: string): string {
  return `import sys
try:
${indent(body)}except OSError as _e:
 print('${OS_ERROR_MARK}',_e.args[0] if _e.args else 0,sys.platform)
`;
}

/** `('D'|'F', name, size)` per entry of one folder; flat boards list their only folder. */
export function listSnippet(path: string): string {
  return reportingOsError(`${OS}p=${pyStr(path)}
if hasattr(os,'ilistdir'):
 for e in os.ilistdir(p or '.'):
  d=e[1]&0x4000
  print(repr(('D' if d else 'F',e[0],0 if d else e[3] if len(e)>3 else os.stat((p.rstrip('/')+'/'+e[0]) if p else e[0])[6])))
elif p not in ('','/','.'):
 print('${OS_ERROR_MARK}','flat',sys.platform)
else:
 for n in os.listdir():
  print(repr(('F',n,os.size(n))))
`);
}

/**
 * `('D'|'F', path, size)` for everything under the top folder, in one program: folders first
 * then what they hold, at most TREE_DEPTH deep and TREE_ENTRIES entries (a listing, not a backup).
 */
export const TREE_ENTRIES = 500;
const TREE_DEPTH = 6;

export function treeSnippet(): string {
  return reportingOsError(`${OS}_n=[0]
def _t(d,k):
 for e in os.ilistdir(d or '.'):
  if _n[0]>=${TREE_ENTRIES}:
   return
  _n[0]+=1
  p=(d.rstrip('/')+'/'+e[0]) if d else e[0]
  if e[1]&0x4000:
   print(repr(('D',p,0)))
   if k<${TREE_DEPTH}:
    _t(p,k+1)
  else:
   print(repr(('F',p,e[3] if len(e)>3 else os.stat(p)[6])))
if hasattr(os,'ilistdir'):
 _t('',0)
else:
 for n in os.listdir():
  print(repr(('F',n,os.size(n))))
del _t,_n
`);
}

/**
 * Prints the file as hex in lines (binary-safe on every firmware). With `binascii` a line is one
 * `hexlify`; without it (the micro:bit) byte by byte: a list of 192 two-letter strings joined at
 * once is 6 KB of heap, more than a micro:bit has free after a sync.
 */
export function readSnippet(path: string): string {
  return reportingOsError(`try:
 from binascii import hexlify as _x
except ImportError:
 try:
  from ubinascii import hexlify as _x
 except ImportError:
  _x=None
f=open(${pyStr(path)},'rb')
while 1:
 d=f.read(192)
 if not d:break
 if _x:
  print(_x(d).decode())
 else:
  for c in d:
   print('%02x'%c,end='')
  print()
f.close()
del _x,f,d
`);
}

/** Removes a file, or with `recursive` a folder and what it holds; the board's top folder itself stays (only its contents go). */
export function removeSnippet(path: string, recursive: boolean): string {
  const top = ['', '/', '.'].includes(path.trim());
  return reportingOsError(`${OS}def _rm(p,top=False):
 try:
  if top:
   raise OSError(21)
  os.remove(p)
 except OSError:
  if not ${recursive ? 'True' : 'False'}:
   raise
  for e in list(os.ilistdir(p) if p else os.ilistdir()):
   _rm(p.rstrip('/')+'/'+e[0] if p else e[0])
  if not top:
   os.rmdir(p)
_rm(${pyStr(top ? '' : path)}${top ? ',True' : ''})
`);
}

/** How many files `path` holds, folders searched (1 for a file): what an `rm -r` would remove. */
export function countSnippet(path: string): string {
  return reportingOsError(`${OS}def _n(p):
 try:
  es=list(os.ilistdir(p))
 except OSError:
  return 1
 c=0
 for e in es:
  c+=_n(p.rstrip('/')+'/'+e[0]) if e[1]&0x4000 else 1
 return c
if hasattr(os,'ilistdir'):
 os.stat(${pyStr(path)} or '.')
 print('n=%d' % _n(${pyStr(path)} or '.'))
else:
 print('n=%d' % len(os.listdir()))
`);
}
