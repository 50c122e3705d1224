import { base64Encode } from '../codec/index.ts';
import { FEED_CREDIT, FEED_PIECE, FEED_QUIET_MS, FEED_STALL_MS, FEED_WINDOW } from '../repl/feed.ts';
import { ADLER32_FILE, OS_IMPORT, SHA256_FILE } from '../board-hash.ts';
import { TEMP_SUFFIX } from '../plan/plan.ts';
import { pyBytes, pyBytesLength, pySource, pyStr } from '../python/literal.ts';

/** Printed by the board after each file is verified and in place: `done#<tag>`. */
export const DONE_MARK = 'done#';

/**
 * Printed instead when a file did not land: `fail#<tag>:damaged:<fingerprint on the board>`,
 * `fail#<tag>:place:<the OSError>` (no os.rename, and the copy over the old file failed) or
 * `fail#<tag>:copied:<fingerprint of the copy>` (that copy is not what was sent). Not raised, so
 * the files after it in the same command still land; the host says it in words.
 */
export const FAIL_MARK = 'fail#';

/**
 * Board-side helpers of the write steps, for the decoders this board has (`deflate`: a stream
 * inflated by `deflate.DeflateIO`, 1.21+; `base64`: `binascii.a2b_base64`). Sent once per
 * connection, in the first command; globals live on across the raw REPL's commands.
 * - `_o(t)` opens the temporary file; `_f.write(d)` appends a piece sent as a bytes literal;
 * - `_z(d,w)` starts the command's stream: `d` inflated with window bits `w`, read by `_c(n)`, which
 *   appends the stream's next `n` bytes to the open file through one 512-byte buffer (the inflated
 *   data never sits whole in RAM);
 * - `_fin` closes the file, checks its fingerprint, renames it over the old one, prints `done#k`
 *   (or `fail#k:why`, leaving the old file alone).
 */
/** Which helpers a write program needs (from the probe and the plan). */
export interface PreludeOptions {
  deflate: boolean;
  base64: boolean;
  /** Files are fed raw on the console (FEED_READER). */
  feed?: boolean;
  /** The plan makes folders (`_mk`). */
  folders?: boolean;
  /** The board has os.rename; without it, `_fin` copies. */
  rename?: boolean;
  /** The board's fingerprint: SHA-256 with hashlib, Adler-32 without. */
  hash?: 'sha256' | 'adler32';
}

export function writePrelude(decoders: PreludeOptions): Uint8Array {
  const deflate = decoders.deflate
    ? `try:
 from deflate import DeflateIO as _D,RAW as _R
 from io import BytesIO as _B
except ImportError:
 pass
_m=memoryview(bytearray(512))
def _z(d,w):
 global _s
 _s=_D(_B(d),_R,w)
def _c(n):
 while n:
  k=_s.readinto(_m[:min(n,512)])
  if not k:
   raise ValueError('mpysync: the data stream ended early')
  _f.write(_m[:k])
  n-=k
`
    : '';
  const base64 = decoders.base64
    ? `try:
 from binascii import a2b_base64 as _a
except ImportError:
 try:
  from ubinascii import a2b_base64 as _a
 except ImportError:
  pass
`
    : '';
  return pySource(
    OS_IMPORT,
    decoders.hash === 'adler32' ? ADLER32_FILE : SHA256_FILE,
    deflate,
    base64,
    decoders.feed ? FEED_READER : '',
    `def _o(t):
 global _f,_tp
 _tp=t
 _f=open(t,'wb')
${decoders.folders === false ? '' : MAKE_FOLDERS}def _fin(t,p,h,n,k):
 _f.close()
 g=_hf(t)
 if g!=h:
  os.remove(t)
  print('${FAIL_MARK}%d:damaged:%s'%(k,g))
  return
${decoders.rename === false ? COPY_INTO_PLACE : RENAME_INTO_PLACE} print('${DONE_MARK}%d'%k)
`,
  );
}

/** The end of `_fin` on boards with `os.rename`: the verified file replaces the old one at once. */
const RENAME_INTO_PLACE = ` os.rename(t,p)
`;

/**
 * The end of `_fin` without `os.rename` (the micro:bit): the verified copy is copied over the old
 * file, so the board needs room for both while it lands. When that fails the target is removed
 * rather than left half-written, and the failure says so. The copy is fingerprinted too: in qemu
 * the micro:bit's file system corrupted files under much rewriting (docs/reliability.md), and a
 * file that is not what was sent must not be reported in place.
 */
const COPY_INTO_PLACE = ` s=open(t,'rb')
 f=None
 try:
  f=open(p,'wb')
  while 1:
   d=s.read(256)
   if not d:break
   f.write(d)
  f.close()
 except OSError as e:
  s.close()
  for a in (f and f.close,lambda:os.remove(p),lambda:os.remove(t)):
   try:
    a()
   except Exception:
    pass
  print('${FAIL_MARK}%d:place:%s'%(k,e))
  return
 s.close()
 g=_hf(p)
 os.remove(t)
 if g!=h:
  os.remove(p)
  print('${FAIL_MARK}%d:copied:%s'%(k,g))
  return
`;

/** `_mk(p)` makes folder `p` and its parents (left out of the prelude when a plan makes none). */
const MAKE_FOLDERS = `def _mk(p):
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
`;

const credit = `b'\\x${FEED_CREDIT.toString(16).padStart(2, '0')}'`;

/**
 * `_r(n)` appends the next `n` bytes fed on the console to the open file (the host's side is
 * repl/feed.ts). Only the micro:bit firmware is known to have what it needs: `microbit.uart` reads
 * the console's input buffer without echo, and `micropython.kbd_intr(-1)` lets 0x03 through as
 * data. It asks for each piece with a credit byte, so at most FEED_WINDOW pieces are ever on the
 * way. When a piece does not complete within FEED_STALL_MS (the host went away; a new host's
 * Ctrl-C and Ctrl-A trickle in but never fill a piece) it gives up; after any error it reads and
 * drops what is still arriving until the line is quiet for FEED_QUIET_MS, so no file data is
 * taken for the raw REPL's next command, removes the half-written temporary file (a micro:bit
 * has 15 KB of flash), and always turns Ctrl-C back on. Then it collects the garbage its reads
 * made: without that, 30 small files synced in a row left the micro:bit's file system corrupt
 * (files holding other files' chunks, files gone), as its flash writes need a 1 KB page buffer
 * from the heap; with it, 3 rounds of 30 files landed whole.
 */
const FEED_READER = `from microbit import uart as _U,running_time as _T
from micropython import kbd_intr as _K
from gc import collect as _G
def _r(n):
 c=(n+${FEED_PIECE - 1})//${FEED_PIECE}
 g=min(c,${FEED_WINDOW})
 q=0
 _K(-1)
 try:
  _U.write(${credit}*g)
  t=_T()
  while q<n:
   d=_U.read(min(n-q,${FEED_PIECE}))
   if d:
    p=q//${FEED_PIECE}
    _f.write(d)
    q+=len(d)
    if q//${FEED_PIECE}>p or q==n:
     t=_T()
    while g<c and q>=(g-${FEED_WINDOW - 1})*${FEED_PIECE}:
     _U.write(${credit})
     g+=1
   elif _T()-t>${FEED_STALL_MS}:
    raise OSError('mpysync: the data stopped (%d of %d bytes)'%(q,n))
 except:
  t=_T()
  while _T()-t<${FEED_QUIET_MS}:
   if _U.read():
    t=_T()
  for a in (_f.close,lambda:os.remove(_tp)):
   try:
    a()
   except OSError:
    pass
  raise
 finally:
  _K(3)
 _G()
def _w(p,h,n,k):
 t=p+'${TEMP_SUFFIX}'
 _o(t)
 _r(n)
 _fin(t,p,h,n,k)
`;

/**
 * The helper names a program defines: `def _x`, `_x=`, `import … as _x`, `from … import _x`, `global _x`
 * (names without a leading underscore, like `os`, are left to the REPL, as a user's would be).
 */
export function definedNames(source: Uint8Array): string[] {
  const names = new Set<string>();
  const bound = (clause: string) =>
    clause.split(',').map(
      (part) =>
        part
          .trim()
          .split(/\s+as\s+/)
          .pop()!
          .split('.')[0]!,
    );
  for (const line of new TextDecoder().decode(source).split('\n')) {
    const found =
      /^def (\w+)\(/.exec(line)?.slice(1) ??
      /^(\w+)=/.exec(line)?.slice(1) ??
      (/^\s*(?:from \S+ )?import (.+)$/.exec(line) ?? /^\s*global (.+)$/.exec(line))?.slice(1).flatMap(bound) ??
      [];
    for (const name of found) if (name.startsWith('_')) names.add(name);
  }
  return [...names];
}

/**
 * Ends the last command: forgets every name `prelude` defined (they would stay in the REPL's
 * globals, 2 KB of a micro:bit's 7 KB heap) and collects the garbage.
 */
export function writeCleanup(prelude: Uint8Array): Uint8Array {
  const names = definedNames(prelude);
  return pySource(`for _n in (${names.map((n) => `'${n}'`).join(',')}):
 globals().pop(_n,None)
del _n
import gc
gc.collect()
`);
}

/** How a piece of data is spelled in the program: a raw bytes literal, or base64 text that `_a` decodes. */
export type DataEncoding = 'literal' | 'base64';

export type WriteStep =
  | { kind: 'mkdir'; path: string }
  | { kind: 'remove'; path: string }
  | { kind: 'rmdir'; path: string }
  | { kind: 'open'; temp: string }
  /** Appends `bytes` to the open file. */
  | { kind: 'data'; bytes: Uint8Array; encoding: DataEncoding; asciiOnly: boolean }
  /** Starts the command's stream: `bytes` is raw DEFLATE made with `windowBits`. */
  | { kind: 'stream'; bytes: Uint8Array; windowBits: number; encoding: DataEncoding; asciiOnly: boolean }
  /** Appends the stream's next `bytes` bytes to the open file. */
  | { kind: 'copy'; bytes: number }
  /** A whole file fed on the console (FEED_READER): opened, `size` bytes received, finished. */
  | { kind: 'fed'; path: string; fingerprint: string; size: number; tag: number }
  | { kind: 'finish'; temp: string; path: string; fingerprint: string; size: number; tag: number };

/** `data` as a Python expression whose value is those bytes, in the given encoding. */
export function dataExpression(data: Uint8Array, encoding: DataEncoding, asciiOnly: boolean): Uint8Array {
  return encoding === 'literal' ? pyBytes(data, { asciiOnly }) : pySource("_a(b'", base64Encode(data), "')");
}

/** The length of `dataExpression(data, encoding, asciiOnly)`, without building it. */
export function dataExpressionLength(data: Uint8Array, encoding: DataEncoding, asciiOnly: boolean): number {
  return encoding === 'base64' ? 7 + 4 * Math.ceil(data.length / 3) : pyBytesLength(data, asciiOnly);
}

/** The Python statement(s) for one step, as bytes. */
export function stepSource(step: WriteStep): Uint8Array {
  switch (step.kind) {
    case 'mkdir':
      return pySource(`_mk(${pyStr(step.path)})\n`);
    case 'remove':
      return pySource(`try:\n os.remove(${pyStr(step.path)})\nexcept OSError:\n pass\n`);
    case 'rmdir':
      // rmdir removes only an empty folder: one that still holds anything stays.
      return pySource(`try:\n os.rmdir(${pyStr(step.path)})\nexcept OSError:\n pass\n`);
    case 'open':
      return pySource(`_o(${pyStr(step.temp)})\n`);
    case 'data':
      return pySource('_f.write(', dataExpression(step.bytes, step.encoding, step.asciiOnly), ')\n');
    case 'stream':
      return pySource('_z(', dataExpression(step.bytes, step.encoding, step.asciiOnly), `,${step.windowBits})\n`);
    case 'copy':
      return pySource(`_c(${step.bytes})\n`);
    case 'fed':
      return pySource(`_w(${pyStr(step.path)},${pyStr(step.fingerprint)},${step.size},${step.tag})\n`);
    case 'finish':
      return pySource(`_fin(${pyStr(step.temp)},${pyStr(step.path)},${pyStr(step.fingerprint)},${step.size},${step.tag})\n`);
  }
}
