import { probeMpy, type BoardProbe } from '../../protocol/probe/probe.ts';
import { decodeBoardMpy } from '../../protocol/mpy/index.ts';

/** A probe result as a board of the given `_mpy` would report it (for planner tests). */
export function fakeProbe(mpy: number | null, overrides: Partial<BoardProbe> = {}): BoardProbe {
  const abi = mpy === null ? null : decodeBoardMpy(mpy);
  return {
    implementation: { name: 'micropython', version: mpy === null ? '1.9.2' : '1.27.0', machine: 'test board', build: null },
    platform: mpy === null ? 'microbit' : 'rp2',
    mpy: abi && probeMpy(abi),
    smallIntBits: 31,
    fs: { cwd: '/', total: 1_000_000, free: 900_000, blockSize: 4096, dirs: mpy !== null, rename: true, stat: true },
    memFree: 100_000,
    uniqueId: null,
    features: { hashlib: true, binascii: true, deflate: true, rawPaste: true, rawBytesLiterals: true, consoleInput: false, compile: mpy !== null },
    ...overrides,
  };
}
