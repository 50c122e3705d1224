import { ADLER32_REST, OS_IMPORT, SHA256_REST } from '../board-hash.ts';
import { indent, pySource, pyStr } from '../python/literal.ts';

/**
 * What the index starts with, before the probe's answer is known: os, and `_hf` with whichever
 * fingerprint the board can compute (`_hl` says which). Matches `boardHash` on the host; 1.9 on.
 */
const PRELUDE = `${OS_IMPORT}try:
 import hashlib as _hl
except ImportError:
 try:
  import uhashlib as _hl
 except ImportError:
  _hl=None
def _hf(p):
 f=open(p,'rb')
 if _hl:
${indent(SHA256_REST)}${ADLER32_REST}`;

/**
 * Lists the board's files printing `('F', path, size, fingerprint-or-None)` and `('D', path)`
 * lines, after `('A', algo)`. `folders` are listed one level each (the folders the project has);
 * `null` walks everything under `dest` (for --delete). Boards without directories list their one
 * flat folder. Only files whose size equals `candidates[path]` are fingerprinted: a size change
 * already says "changed", and reading unrelated files would cost time. Entries the board cannot
 * stat are passed over. It forgets its names at the end (a micro:bit has 5 KB of heap).
 */
export function indexSnippet(dest: string, candidates: Map<string, number>, folders: string[] | null): Uint8Array {
  const table = [...candidates].map(([p, n]) => `${pyStr(p)}:${n}`).join(',');
  const roots = folders === null ? [dest] : folders;
  return pySource(
    PRELUDE,
    `_W={${table}}
print(repr(('A','sha256' if _hl else 'adler32')))
def _e(p,s):
 print(repr(('F',p,s,_hf(p) if _W.get(p)==s else None)))
def _walk(d,deep):
 try:
  it=list(os.ilistdir(d or '.'))
 except OSError:
  return
 for e in it:
  p=(d.rstrip('/')+'/'+e[0]) if d else e[0]
  try:
   if e[1]&0x4000:
    print(repr(('D',p)))
    if deep:
     _walk(p,deep)
   else:
    _e(p,e[3] if len(e)>3 else os.stat(p)[6])
  except OSError:
   pass
if hasattr(os,'ilistdir'):
 for _d in (${roots.map(pyStr).join(',')},):
  _walk(_d,${folders === null ? 'True' : 'False'})
else:
 for _d in os.listdir():
  _e(_d,os.size(_d))
for _n in ('_W','_e','_walk','_d','_hf','_hl'):
 globals().pop(_n,None)
del _n
`,
  );
}
