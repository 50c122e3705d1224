/**
 * A MicroPython board made of the WebAssembly port (npm `@micropython/micropython-webassembly-pyscript`
 * 1.27.0): host bytes in, board bytes out, as over a serial cable. No Node APIs: the CLI serves it
 * behind a pty (pty-board.ts) and the web page uses it directly (in-page.ts).
 *
 * Every host byte goes to the port's real event-driven `pyexec.c` REPL, except where the port cannot
 * behave like a board. Those places, and what this shim does instead:
 *
 * - Raw-paste. The port's `mp_hal_stdin_rx_chr()` is a constant 0, so `\x05A\x01` would make the real
 *   raw-paste reader spin for ever inside WebAssembly. We carry raw-paste out faithfully here instead
 *   of declining it: in raw mode with an empty buffer, `\x05A\x01` is answered `R\x01\x80\x00\x01`
 *   (window 128, as MICROPY_REPL_STDIN_BUFFER_MAX 256 gives), data is accepted under credit (`\x01`
 *   each time 128 bytes were consumed), Ctrl-D ends it (`\x04`), Ctrl-C aborts it
 *   (`\x04` + `\x04KeyboardInterrupt: \r\n\x04>`, as the firmware's reader does). The code is then
 *   handed to the real raw REPL followed by `\x04`, and the `OK` that the plain raw REPL prints is
 *   dropped (raw-paste prints none). Differences that a host cannot rely on anyway: a syntax error is
 *   reported after the host's `\x04` rather than with an early `\x04`; code holding the bytes 0x01 or
 *   0x02 (which the plain raw REPL would take as commands) runs as `exec(b'<escaped code>')`, so
 *   its traceback gains one frame. With `rawPaste: false` the request is declined as firmware
 *   before v1.14 does: the REPL only sees the Ctrl-A and reprints its banner.
 * - Soft reset. The port has no main loop to reset the VM when the REPL returns PYEXEC_FORCED_EXIT
 *   (Ctrl-D on an empty line, `sys.exit()`). We play that loop: print `MPY: soft reboot`, forget the
 *   Python state (`sys.modules`, globals of `__main__`), keep the filesystem, run boot.py and main.py
 *   when the reset came from the friendly REPL (as firmware does), and restart the REPL, which
 *   prints the banner of its current mode.
 * - Line endings. Boards send text through `mp_hal_stdout_tx_strn_cooked` (`\n` → `\r\n`); this port
 *   writes `\n` raw. We cook every `\n` not already preceded by `\r`. Binary output written through
 *   `sys.stdout.buffer` is cooked too, so hosts must encode binary data as text (they must anyway:
 *   the micro:bit has no `sys.stdout.buffer`).
 * - Filesystem. The board's `/` is Emscripten's BOARD_ROOT folder, mounted as VfsPosix, so it starts
 *   empty like a board's flash (not showing /dev, /proc, /tmp). Like the unix port, VfsPosix's
 *   `os.ilistdir()` gives 3-tuples (name, type, inode) with no size: hosts need `os.stat` for sizes.
 *   Its rename is routed around a VfsPosix bug (see MOUNT_FLASH).
 * - input(). It fails at once with an OSError that says why (INPUT_FAILS_AT_ONCE): the port cannot
 *   pause a program for the keyboard.
 * - Not fixable here: a program that never ends (`while True: pass`) blocks the board, since code
 *   runs synchronously and Ctrl-C cannot reach it. Run the board in a worker (thread-board.ts),
 *   which resets it when a Ctrl-C goes unanswered.
 *
 * Input is processed in slices with a yield to the host in between, so a big upload never starves
 * the event loop; a running program, however, holds it until the program ends.
 */
import { loadMicroPython, type EmscriptenFS, type MicroPython } from '@micropython/micropython-webassembly-pyscript';
import { forbidMemoryGrowth, fragmentingProgram, holdCHeap, prepareForBoundedHeap } from './bounded-heap.ts';

const CTRL_A = 0x01;
const CTRL_B = 0x02;
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_E = 0x05;
const CR = 0x0d;
const LF = 0x0a;

const RAW_BANNER = 'raw REPL; CTRL-B to exit\r\n>';
const FRIENDLY_PROMPT = '>>> ';
const PYEXEC_FORCED_EXIT = 0x100;
const RAW_PASTE_WINDOW = 128;
const SLICE_BYTES = 1024;

/** The Emscripten folder that the board sees as `/`, like a board's flash: no runtime dirs in it. */
export const BOARD_ROOT = '/flash';

/*
 * VfsPosix with a root builds both paths of a rename in one shared buffer (extmod/vfs_posix.c), so
 * rename('/a/x~', '/a/x') becomes rename('/a/x', '/a/x'): a silent no-op when the target exists.
 * Flash filesystems (FAT, littlefs) do not have this bug. The board's `/` is therefore a small
 * Python VFS that hands everything to VfsPosix('/flash') but renames through a root-less VfsPosix
 * on the host paths. (A subclass of VfsPosix would not do: the import machinery reads the native
 * object's fields directly and finds no module.)
 */
/**
 * The port cannot pause a running program for the keyboard (its code runs synchronously, and its
 * stdin is a constant), so input() would spin for ever: it fails at once instead, saying why.
 * Installed in builtins, so it outlives soft resets, as the firmware's own input() does.
 */
const INPUT_FAILS_AT_ONCE = `
def _mpysync_no_input():
    import builtins
    def input(prompt=''):
        print(prompt, end='')
        raise OSError("input() cannot wait for the keyboard on this virtual board (MicroPython in WebAssembly runs a program without pausing): put the value in the code, or use a real board")
    builtins.input = input
_mpysync_no_input()
del _mpysync_no_input
`;

/**
 * The port has no `machine` module (and `import machine` must keep failing, as student code would
 * find on it), so the id lives in builtins, which outlive soft resets; the probe looks there next.
 */
function uniqueIdProgram(hex: string): string {
  const bytes = hex.match(/[0-9a-f]{2}/gi) ?? [];
  return `import builtins\nbuiltins._mpy_uid = bytes([${bytes.map((b) => '0x' + b).join(', ')}])\ndel builtins\n`;
}

const MOUNT_FLASH = `
def _mpysync_mount_flash():
    import vfs, os
    class Flash:
        def __init__(self, root):
            self.root = root
            self.fs = vfs.VfsPosix(root)
            self.host = vfs.VfsPosix()
        def mount(self, readonly, mkfs):
            return self.fs.mount(readonly, mkfs)
        def umount(self):
            return self.fs.umount()
        def ilistdir(self, path):
            return self.fs.ilistdir(path)
        def chdir(self, path):
            return self.fs.chdir(path)
        def getcwd(self):
            return self.fs.getcwd()
        def remove(self, path):
            return self.fs.remove(path)
        def mkdir(self, path):
            return self.fs.mkdir(path)
        def rmdir(self, path):
            return self.fs.rmdir(path)
        def stat(self, path):
            return self.fs.stat(path)
        def statvfs(self, path):
            return self.fs.statvfs(path)
        def open(self, path, mode):
            return self.fs.open(path, mode)
        def rename(self, old, new):
            cwd = self.fs.getcwd().rstrip('/')
            full = lambda p: p if p[:1] == '/' else cwd + '/' + p
            self.host.rename(self.root + full(old), self.root + full(new))
    vfs.umount('/')
    vfs.mount(Flash('${BOARD_ROOT}'), '/')
    os.chdir('/')
_mpysync_mount_flash()
del _mpysync_mount_flash
`;

/** Runs inside the board's VM at a soft reset: what a real soft reset forgets, the files stay. */
const FORGET_PYTHON_STATE = `
def _mpysync_soft_reset():
    import sys, gc, os
    os.chdir('/')
    sys.modules.clear()
    g = globals()
    for k in list(g):
        if k != '__name__':
            del g[k]
    gc.collect()
_mpysync_soft_reset()
`;

/**
 * Runs inside the board's VM after a soft reset from the friendly REPL, as a port's main loop does
 * (`pyexec_file_if_exists`): boot.py, then main.py, each compiled under its own name so that a
 * traceback names the file and line. (From the raw REPL neither runs, as on firmware.)
 */
const RUN_BOOT_AND_MAIN = `
def _mpysync_run_files():
    import os, sys
    for name in ('boot.py', 'main.py'):
        try:
            os.stat(name)
        except OSError:
            continue
        try:
            with open(name) as f:
                code = compile(f.read(), name, 'exec')
            exec(code, {'__name__': '__main__'})
        except BaseException as e:
            # As the firmware prints it: without this helper's own frame.
            import io
            text = io.StringIO()
            sys.print_exception(e, text)
            print(''.join(l + '\\n' for l in text.getvalue().split('\\n') if l and '"<stdin>"' not in l), end='')
_mpysync_run_files()
del _mpysync_run_files
`;

export interface WasmBoardOptions {
  /** false: decline raw-paste as firmware older than v1.14 does. Default true. */
  rawPaste?: boolean;
  /** Where the page finds `micropython.wasm` (a bundler URL); Node finds it beside the package. */
  wasmUrl?: string;
  /** Lets the host run between input slices; default a zero-delay timer. */
  yieldToHost?: () => Promise<void>;
  /**
   * A heap of this many bytes that cannot grow (bounded-heap.ts), so programs and syncs meet
   * MemoryError as on a real board. Default: the port's own heap, which grows on demand.
   */
  heapBytes?: number;
  /** With heapBytes: start with the heap in pieces of this size, as a program that ran leaves it. */
  fragmentBytes?: number;
  /** The board's id (hex, 8 bytes as a chip's): what the probe reads where a board has `machine.unique_id()`. */
  uniqueId?: string;
}

/** With a bounded heap, the raw REPL's line buffer is grown to this once, as raw-paste's buffer is fixed. */
const BOUNDED_LINE_BUFFER = 40 * 1024;

type Mode = 'friendly' | 'raw' | 'raw-paste';

export class WasmBoard {
  private readonly mp: MicroPython;
  private readonly rawPaste: boolean;
  private readonly yieldToHost: () => Promise<void>;

  private mode: Mode = 'friendly';
  /** Bytes in the raw REPL's buffer, and its first two (to recognise `\x05A` before Ctrl-A). */
  private rawLength = 0;
  private rawHead: number[] = [];
  private pasted: number[] = [];
  private pastedSinceCredit = 0;
  /** Code from a finished raw-paste, being fed to the real raw REPL. */
  private handoff: { code: Uint8Array; offset: number } | null = null;

  private readonly pending: Uint8Array[] = [];
  private pendingOffset = 0;
  private pendingTotal = 0;
  private pumping = false;
  private idleWaiters: Array<() => void> = [];

  private out: number[] = [];
  private replTail = '';
  private lastReplByte = -1;
  private okToDrop = 0;

  private outputListener: (bytes: Uint8Array) => void = () => {};
  private commandListener: () => void = () => {};
  private errorListener: (error: unknown) => void = (error) => {
    throw error;
  };

  /** Loads the WebAssembly port and starts its REPL; the boot banner is not sent (it booted long ago). */
  static async create(options: WasmBoardOptions = {}): Promise<WasmBoard> {
    let board: WasmBoard | undefined;
    const sink = (data: Uint8Array | string) => board?.receiveReplOutput(data);
    if (options.heapBytes) prepareForBoundedHeap();
    const mp = await loadMicroPython({
      linebuffer: false,
      stdout: sink,
      stderr: sink,
      ...(options.wasmUrl ? { url: options.wasmUrl } : {}),
      ...(options.heapBytes ? { heapsize: options.heapBytes } : {}),
    });
    board = new WasmBoard(mp, options);
    if (options.heapBytes) board.boundHeap(options.heapBytes, options.fragmentBytes);
    return board;
  }

  private constructor(mp: MicroPython, options: WasmBoardOptions) {
    this.mp = mp;
    this.rawPaste = options.rawPaste ?? true;
    this.yieldToHost = options.yieldToHost ?? (() => new Promise((resolve) => setTimeout(resolve, 0)));
    this.mp.FS.mkdir(BOARD_ROOT);
    this.mp.runPython(MOUNT_FLASH);
    this.mp.runPython(INPUT_FAILS_AT_ONCE);
    if (options.uniqueId) this.mp.runPython(uniqueIdProgram(options.uniqueId));
    // The boot banner goes nowhere (the sink has no board yet): a real board booted long before
    // anyone opened its port.
    this.mp.replInit();
  }

  /**
   * No more memory for MicroPython than it has now. Its raw REPL keeps each program whole in one
   * line buffer (a board with raw-paste compiles as the bytes arrive), so that buffer is grown first,
   * before the heap is in pieces; then, if asked, the heap is left fragmented.
   */
  private boundHeap(heapBytes: number, fragmentBytes: number | undefined): void {
    forbidMemoryGrowth();
    holdCHeap(this.mp._module as unknown as Parameters<typeof holdCHeap>[0], heapBytes);
    this.feedRepl(CTRL_A);
    for (let i = 0; i < BOUNDED_LINE_BUFFER; i++) this.feedRepl(0x20);
    this.feedRepl(CTRL_C);
    if (fragmentBytes) {
      for (const byte of new TextEncoder().encode(fragmentingProgram(fragmentBytes))) this.feedRepl(byte);
      this.feedRepl(CTRL_D);
    }
    this.feedRepl(CTRL_B);
    // What that printed was the board's own business, before any host connected.
    this.out = [];
    this.replTail = '';
    this.lastReplByte = -1;
    this.mode = 'friendly';
  }

  /** Emscripten's in-memory filesystem; the board's own files are under BOARD_ROOT. */
  get fs(): EmscriptenFS {
    return this.mp.FS;
  }

  /** Bytes not yet processed: queued host bytes, and pasted code not yet typed into the REPL. */
  get pendingBytes(): number {
    const handoff = this.handoff ? this.handoff.code.length - this.handoff.offset + 1 : 0;
    return this.pendingTotal - this.pendingOffset + handoff;
  }

  onOutput(listener: (bytes: Uint8Array) => void): void {
    this.outputListener = listener;
  }

  /** Called when the REPL is back at its prompt after running something (before that prompt is sent). */
  onCommandComplete(listener: () => void): void {
    this.commandListener = listener;
  }

  /** Called if the WebAssembly runtime itself fails; the board is unusable afterwards. */
  onError(listener: (error: unknown) => void): void {
    this.errorListener = listener;
  }

  /** Queues host bytes; they are processed in order, a slice at a time. */
  input(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes.slice());
    this.pendingTotal += bytes.length;
    if (!this.pumping) {
      this.pumping = true;
      void this.pump();
    }
  }

  /** Resolves once every queued byte has been processed and its output handed to the listener. */
  whenIdle(): Promise<void> {
    if (!this.pumping) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async pump(): Promise<void> {
    try {
      while (this.pendingBytes > 0) {
        this.runSlice();
        this.flush();
        await this.yieldToHost();
      }
    } catch (error) {
      this.flush();
      this.errorListener(error);
    } finally {
      this.pumping = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private runSlice(): void {
    let budget = SLICE_BYTES;
    while (budget-- > 0) {
      if (this.handoff) {
        this.feedHandoffByte();
        continue;
      }
      const byte = this.nextHostByte();
      if (byte === undefined) return;
      this.handleHostByte(byte);
    }
  }

  private nextHostByte(): number | undefined {
    const chunk = this.pending[0];
    if (!chunk) return undefined;
    const byte = chunk[this.pendingOffset++]!;
    if (this.pendingOffset === chunk.length) {
      this.pending.shift();
      this.pendingTotal -= chunk.length;
      this.pendingOffset = 0;
    }
    return byte;
  }

  private handleHostByte(byte: number): void {
    switch (this.mode) {
      case 'friendly':
        return this.friendlyByte(byte);
      case 'raw':
        return this.rawByte(byte);
      case 'raw-paste':
        return this.rawPasteByte(byte);
    }
  }

  private friendlyByte(byte: number): void {
    this.replTail = '';
    const result = this.feedRepl(byte);
    if (result === PYEXEC_FORCED_EXIT) return this.softReset();
    if (this.replTail.endsWith(RAW_BANNER)) return this.enterRawMode();
    if (this.replTail.endsWith(FRIENDLY_PROMPT)) this.commandListener();
  }

  private rawByte(byte: number): void {
    if (byte === CTRL_A && this.rawLength === 2 && this.rawHead[0] === CTRL_E && this.rawHead[1] === 0x41) {
      // The REPL holds `\x05A`: clear it silently (Ctrl-C), then answer for the firmware.
      this.feedRepl(CTRL_C);
      this.enterRawMode();
      if (this.rawPaste) return this.startRawPaste();
      this.feedRepl(CTRL_A);
      return;
    }
    switch (byte) {
      case CTRL_A:
      case CTRL_C:
        this.feedRepl(byte);
        return this.enterRawMode();
      case CTRL_B:
        this.feedRepl(byte);
        this.mode = 'friendly';
        return;
      case CTRL_D:
        this.flush();
        return this.runRawBuffer(CTRL_D);
      default:
        this.feedRepl(byte);
        if (this.rawLength < 2) this.rawHead.push(byte);
        this.rawLength++;
    }
  }

  /** Ctrl-D in raw mode: runs the buffer, or soft-resets on an empty one. */
  private runRawBuffer(ctrlD: number): void {
    const wasEmpty = this.rawLength === 0;
    const result = this.feedRepl(ctrlD);
    this.enterRawMode();
    if (result === PYEXEC_FORCED_EXIT) return this.softReset();
    if (!wasEmpty) this.commandListener();
  }

  private startRawPaste(): void {
    this.mode = 'raw-paste';
    this.pasted = [];
    this.pastedSinceCredit = 0;
    this.emit([0x52, 0x01, RAW_PASTE_WINDOW & 0xff, RAW_PASTE_WINDOW >> 8, 0x01]);
  }

  private rawPasteByte(byte: number): void {
    if (byte === CTRL_C) {
      this.emit([CTRL_D]);
      this.emit([CTRL_D, ...new TextEncoder().encode('KeyboardInterrupt: \r\n'), CTRL_D, 0x3e]);
      this.enterRawMode();
      this.commandListener();
      return;
    }
    if (byte === CTRL_D) {
      this.emit([CTRL_D]);
      this.enterRawMode();
      this.handoff = { code: this.codeForRawRepl(Uint8Array.from(this.pasted)), offset: 0 };
      this.pasted = [];
      return;
    }
    this.pasted.push(byte);
    if (++this.pastedSinceCredit === RAW_PASTE_WINDOW) {
      this.pastedSinceCredit = 0;
      this.emit([0x01]);
    }
  }

  /** What to type into the plain raw REPL so it runs `code` exactly once. */
  private codeForRawRepl(code: Uint8Array): Uint8Array {
    if (code.length === 0) return new Uint8Array([LF]);
    if (!code.includes(CTRL_A) && !code.includes(CTRL_B)) return code;
    // The plain raw REPL would obey these bytes: pass the code as an escaped bytes literal instead.
    let literal = '';
    for (const byte of code) {
      const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x27 && byte !== 0x5c;
      literal += printable ? String.fromCharCode(byte) : '\\x' + byte.toString(16).padStart(2, '0');
    }
    return new TextEncoder().encode(`exec(b'${literal}')`);
  }

  private feedHandoffByte(): void {
    const handoff = this.handoff!;
    if (handoff.offset < handoff.code.length) {
      this.feedRepl(handoff.code[handoff.offset++]!);
      this.rawLength++;
      return;
    }
    this.handoff = null;
    this.okToDrop = 2;
    // What the board said so far goes out before the program runs: it may never end.
    this.flush();
    this.runRawBuffer(CTRL_D);
  }

  private enterRawMode(): void {
    this.mode = 'raw';
    this.rawLength = 0;
    this.rawHead = [];
  }

  private softReset(): void {
    this.emitCooked('MPY: soft reboot\n');
    this.mp.runPython(FORGET_PYTHON_STATE);
    const wasRaw = this.mode !== 'friendly';
    if (!wasRaw) this.mp.runPython(RUN_BOOT_AND_MAIN);
    this.mp.replInit();
    if (wasRaw) this.enterRawMode();
    else this.mode = 'friendly';
    this.commandListener();
  }

  private feedRepl(byte: number): number {
    // The module's own export, not `replProcessChar` (Emscripten's ccall): the same C function,
    // five times faster per byte, which a 300 KB sync feeds byte by byte.
    this.processChar ??=
      (this.mp._module as { _mp_js_repl_process_char?: (c: number) => number })._mp_js_repl_process_char ?? ((c: number) => this.mp.replProcessChar(c));
    return this.processChar(byte);
  }

  private processChar: ((byte: number) => number) | undefined;

  private receiveReplOutput(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    for (const byte of bytes) {
      if (this.okToDrop > 0) {
        this.okToDrop--;
        if (byte === 0x4f || byte === 0x4b) continue;
        this.okToDrop = 0;
      }
      this.emitReplByte(byte);
    }
  }

  private emitCooked(text: string): void {
    for (const byte of new TextEncoder().encode(text)) this.emitReplByte(byte);
  }

  private emitReplByte(byte: number): void {
    if (byte === LF && this.lastReplByte !== CR) this.pushOutput(CR);
    this.pushOutput(byte);
  }

  private pushOutput(byte: number): void {
    this.lastReplByte = byte;
    this.out.push(byte);
    this.replTail = (this.replTail + String.fromCharCode(byte)).slice(-RAW_BANNER.length);
  }

  /** Bytes the shim sends on the firmware's behalf (never cooked). */
  private emit(bytes: number[]): void {
    for (const byte of bytes) this.out.push(byte);
    this.lastReplByte = bytes[bytes.length - 1] ?? this.lastReplByte;
  }

  private flush(): void {
    if (this.out.length === 0) return;
    const bytes = Uint8Array.from(this.out);
    this.out = [];
    this.outputListener(bytes);
  }
}
