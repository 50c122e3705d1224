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

export function removeSnippet(path: string, recursive: boolean): string {
  return reportingOsError(`${OS}def _rm(p):
 try:
  os.remove(p)
 except OSError:
  if not ${recursive ? 'True' : 'False'}:
   raise
  for e in list(os.ilistdir(p)):
   _rm(p.rstrip('/')+'/'+e[0])
  os.rmdir(p)
_rm(${pyStr(path)})
`);
}
