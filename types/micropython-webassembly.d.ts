// The npm package ships no types; this is the part of its API mpysync uses.
declare module '@micropython/micropython-webassembly-pyscript' {
  export interface EmscriptenFS {
    writeFile(path: string, data: string | Uint8Array, opts?: { encoding?: string }): void;
    readFile(path: string, opts?: { encoding?: 'binary' | 'utf8' }): Uint8Array;
    readdir(path: string): string[];
    stat(path: string): { mode: number; size: number; mtime: Date };
    mkdir(path: string, mode?: number): void;
    mkdirTree?(path: string, mode?: number): void;
    unlink(path: string): void;
    rmdir(path: string): void;
    rename(oldPath: string, newPath: string): void;
    isDir(mode: number): boolean;
    isFile(mode: number): boolean;
    analyzePath(path: string): { exists: boolean };
  }
  export interface MicroPython {
    FS: EmscriptenFS;
    runPython(code: string): unknown;
    replInit(): void;
    /** Feeds one byte to the real pyexec.c REPL; runs code synchronously when a line/block ends. */
    replProcessChar(byte: number): number;
    _module: unknown;
  }
  export interface LoadOptions {
    pystack?: number;
    heapsize?: number;
    url?: string;
    stdin?: () => number | null;
    /** With linebuffer false, called with a Uint8Array of one byte per output byte. */
    stdout?: (data: Uint8Array | string) => void;
    stderr?: (data: Uint8Array | string) => void;
    linebuffer?: boolean;
  }
  export function loadMicroPython(options?: LoadOptions): Promise<MicroPython>;
}
