/**
 * A bounded heap for the WebAssembly board (`mpysync virtual --heap SIZE`), so it can run out of
 * memory as a real board does. The port's garbage-collected heap grows on demand: when an
 * allocation fails it asks C's malloc for another area, and malloc grows the WebAssembly memory.
 * `heapsize` alone therefore caps nothing (gc.mem_free() says ~134 MB whatever was asked). Here
 * the memory may not grow, and everything malloc could still hand out is taken and held, so the
 * heap is the `heapsize` area and nothing more. No Node APIs.
 */

interface CHeap {
  _malloc(size: number): number;
  _free(pointer: number): void;
}

let patched = false;
let growthForbidden = false;

/**
 * Readies this thread for a bounded board, before its WebAssembly module loads: memory growth
 * can then be forbidden (forbidMemoryGrowth), and the Emscripten glue's report of each refused
 * growth (taken from console.error as it loads) is not printed: refusing them is the point.
 */
export function prepareForBoundedHeap(): void {
  if (patched) return;
  patched = true;
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, delta: number) {
    if (growthForbidden && delta > 0) throw new RangeError('mpysync: this virtual board has a bounded heap (--heap)');
    return grow.call(this, delta);
  };
  const error = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (growthForbidden && typeof args[0] === 'string' && /^(growMemory: |Failed to grow the heap|Cannot enlarge memory)/.test(args[0])) return;
    error(...args);
  };
}

/**
 * From now on no WebAssembly memory in this thread may grow: Emscripten's malloc returns NULL and
 * MicroPython raises MemoryError. For a thread that runs one bounded board.
 */
export function forbidMemoryGrowth(): void {
  prepareForBoundedHeap();
  growthForbidden = true;
}

/**
 * Takes all of C's free memory but `slack` bytes, so MicroPython's heap cannot add areas to
 * itself: it adds an area only as large as the whole heap so far, which the slack never is. The
 * slack serves what the C code and the glue still malloc: a folder listing's DIR (2 KB), the copy
 * of a program the glue runs.
 */
export function holdCHeap(heap: CHeap, heapBytes: number): void {
  const slack = Math.min(64 * 1024, Math.floor(heapBytes / 2));
  const reserve = heap._malloc(slack);
  for (let size = 1 << 28; size >= 16;) {
    if (!heap._malloc(size)) size >>= 1;
  }
  heap._free(reserve);
}

/**
 * What a program that ran before leaves behind: the heap filled with blocks of `holeBytes`, every
 * other one then freed. gc.mem_free() stays high while no free block is larger than `holeBytes`
 * (as on an RP2040 measured with 231 KB free and no 29.5 KB block). The blocks live in `__main__`
 * as a program's globals do, so a soft reset frees them, as on a board.
 */
export function fragmentingProgram(holeBytes: number): string {
  return `import gc
_mps_frag=[]
try:
 while 1:
  _mps_frag.append(bytearray(${holeBytes}))
except MemoryError:
 pass
for _i in range(0,len(_mps_frag),2):
 _mps_frag[_i]=None
del _i
gc.collect()
`;
}
