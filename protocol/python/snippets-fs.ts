import { pyBytes, pySource, pyStr } from './literal';

/** Suffix of a file being written: never importable, never mistaken for a module. */
export const TEMP_SUFFIX = '~mps';

/** Printed by the board after each file is verified and in place: `done#<tag>`. */
export const DONE_MARK = 'done#';

/**
 * Helpers every file-system program starts with (a few hundred bytes; they set up module aliases
 * and the fingerprint function that matches `boardHash` on the host). Runs on 1.9 to today.
 */
const PRELUDE = `try:
 import os
except ImportError:
 import uos as os
try:
 import hashlib as _hl
except ImportError:
 try:
  import uhashlib as _hl
 except ImportError:
  _hl=None
def _hf(p):
 f=open(p,'rb')
 if _hl:
  h=_hl.sha256()
  while 1:
   d=f.read(512)
   if not d:break
   h.update(d)
  f.close()
  return ''.join('%02x'%c for c in h.digest())
 a=1
 b=0
 while 1:
  d=f.read(256)
  if not d:break
  for c in d:
   a=(a+c)%65521
   b=(b+a)%65521
 f.close()
 return '%04x%04x'%(b,a)
`;

/**
 * Lists every file under `dest` (recursively, or the flat list on boards without directories),
 * printing `('F', path, size, fingerprint-or-None)` and `('D', path)` lines, and `('A', algo)`
 * first. Only files whose size equals `candidates[path]` are fingerprinted: a size change already
 * says "changed", and reading unrelated files would cost time.
 */
export function indexSnippet(dest: string, candidates: Map<string, number>): Uint8Array {
  const table = [...candidates].map(([p, n]) => `${pyStr(p)}:${n}`).join(',');
  return pySource(
    PRELUDE,
    `_W={${table}}
print(repr(('A','sha256' if _hl else 'adler32')))
def _e(p,s):
 print(repr(('F',p,s,_hf(p) if _W.get(p)==s else None)))
def _walk(d):
 try:
  it=list(os.ilistdir(d or '.'))
 except OSError:
  return
 for e in it:
  p=(d.rstrip('/')+'/'+e[0]) if d else e[0]
  if e[1]&0x4000:
   print(repr(('D',p)))
   _walk(p)
  else:
   _e(p,e[3] if len(e)>3 else os.stat(p)[6])
if hasattr(os,'ilistdir'):
 _walk(${pyStr(dest)})
else:
 for n in os.listdir():
  _e(n,os.size(n))
`,
  );
}

/**
 * Definitions used by the write steps; sent once per connection, before the first write.
 * `_rn` retries a failed rename from inside the file's folder: VfsPosix with a root (the virtual
 * board) builds both absolute paths in one shared buffer, so rename('/a/x~mps', '/a/x') fails.
 */
export const WRITE_PRELUDE = pySource(
  PRELUDE,
  `try:
 from deflate import DeflateIO as _D,RAW as _R
 from io import BytesIO as _B
except ImportError:
 _D=None
def _z(d,w):
 return _D(_B(d),_R,w).read()
def _mk(p):
 q=''
 for s in p.split('/'):
  if not s:
   q='/'
   continue
  q=(q.rstrip('/')+'/'+s) if q else s
  try:
   os.mkdir(q)
  except OSError:
   pass
def _rn(t,p):
 c=os.getcwd()
 i=p.rfind('/')
 os.chdir(p[:i] or '/')
 try:
  os.rename(t[i+1:],p[i+1:])
 finally:
  os.chdir(c)
def _fin(t,p,h,n):
 g=_hf(t)
 if g!=h:
  os.remove(t)
  raise ValueError('mpysync: %s arrived damaged (fingerprint %s, expected %s); nothing was replaced'%(p,g,h))
 if hasattr(os,'rename'):
  try:
   os.rename(t,p)
  except OSError:
   if p[:1]!='/':raise
   _rn(t,p)
 else:
  s=open(t,'rb')
  f=open(p,'wb')
  while 1:
   d=s.read(256)
   if not d:break
   f.write(d)
  f.close()
  s.close()
  os.remove(t)
`,
);

export type WriteStep =
  | { kind: 'mkdir'; path: string }
  | { kind: 'remove'; path: string }
  | { kind: 'open'; temp: string }
  | { kind: 'data'; bytes: Uint8Array; deflatedWindowBits: number | null; asciiOnly: boolean }
  | { kind: 'finish'; temp: string; path: string; fingerprint: string; size: number; tag: number };

/** The Python statement(s) for one step, as bytes (data travels as a raw bytes literal). */
export function stepSource(step: WriteStep): Uint8Array {
  switch (step.kind) {
    case 'mkdir':
      return pySource(`_mk(${pyStr(step.path)})\n`);
    case 'remove':
      return pySource(`try:\n os.remove(${pyStr(step.path)})\nexcept OSError:\n pass\n`);
    case 'open':
      return pySource(`_f=open(${pyStr(step.temp)},'wb')\n`);
    case 'data': {
      const literal = pyBytes(step.bytes, { asciiOnly: step.asciiOnly });
      return step.deflatedWindowBits === null
        ? pySource('_f.write(', literal, ')\n')
        : pySource('_f.write(_z(', literal, `,${step.deflatedWindowBits}))\n`);
    }
    case 'finish':
      return pySource(`_f.close()\n_fin(${pyStr(step.temp)},${pyStr(step.path)},${pyStr(step.fingerprint)},${step.size})\nprint('${DONE_MARK}${step.tag}')\n`);
  }
}
