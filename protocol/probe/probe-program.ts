/**
 * The probe: one program, one round trip. It must run on every MicroPython from 1.9 (the
 * micro:bit: no os.stat, no statvfs, 7 KB of heap) to today, so it uses only what 1.9 has and
 * guards everything else. Each line is `key=<repr(value)>`. It deletes its own names at the end:
 * globals live on in the raw REPL, and a 7 KB heap has no room for leftovers.
 */
export const PROBE_SNIPPET = `import sys
try:
 import os
except ImportError:
 import uos as os
def _p(k,v):
 print(k+'='+repr(v))
_i=sys.implementation
_p('name',_i.name)
_p('version',tuple(_i.version))
_p('mpy',getattr(_i,'_mpy',None))
_p('machine',getattr(_i,'_machine',None))
_p('build',getattr(_i,'_build',None))
_p('platform',sys.platform)
_b=None
for _n in range(1,80):
 try:
  if (1<<_n) is not (1<<_n):
   _b=_n+1
   break
 except OverflowError:
  _b=_n+1
  break
_p('smallint',_b)
_c=os.getcwd() if hasattr(os,'getcwd') else None
_p('cwd',_c)
_s=None
try:
 _s=os.statvfs(_c or '/')
 _p('fs',(_s[0],_s[1],_s[2],_s[3],_s[4]))
except Exception:
 _p('fs',None)
_p('dirs',hasattr(os,'mkdir'))
_p('rename',hasattr(os,'rename'))
_p('stat',hasattr(os,'stat'))
try:
 import gc
 gc.collect()
 _p('memfree',gc.mem_free())
except Exception:
 _p('memfree',None)
def _h(m,a):
 try:
  return hasattr(__import__(m),a)
 except ImportError:
  return False
_p('hashlib',_h('hashlib','sha256') or _h('uhashlib','sha256'))
_p('binascii',_h('binascii','a2b_base64') or _h('ubinascii','a2b_base64'))
_p('deflate',_h('deflate','DeflateIO'))
_p('compile',_h('builtins','compile'))
try:
 _p('raw8',eval("b'"+chr(255)+"'")==b'\\xc3\\xbf')
except Exception:
 _p('raw8',False)
_p('conin',sys.platform=='microbit' and _h('microbit','uart') and _h('micropython','kbd_intr'))
del _p,_i,_b,_n,_c,_s,_h
`;

/**
 * The board's id: `machine.unique_id()` as a bytes literal (hex is made on the host: no code for it
 * here), else what a virtual board keeps as a builtin name (device/virtual/wasm-board.ts), else None.
 * Apart from the probe because its code takes 336 B of the micro:bit's heap: run with the probe,
 * it would lower the free heap the probe measures, by which the write commands are sized. It goes
 * with the probe where the board compiles as the code streams in (raw-paste), else with the index.
 */
export const ID_SNIPPET = `try:
 _u=__import__('machine').unique_id()
except:
 try:_u=_mpy_uid
 except:_u=None
print('uid='+repr(_u))
del _u
`;
