/** How numbers and board facts are written on the page. */
import type { BoardProbe } from '../protocol/probe/probe.ts';

/** Decimal units, as their names say (kB = 1000 B, MB = 10^6 B, GB = 10^9 B): a 2,048,000,000-byte board shows 2.0 GB, not "1953.1 MB". */
export function formatBytes(n: number | null): string {
  if (n === null) return 'unknown';
  if (n < 1000) return `${n} B`;
  const [value, unit] = n < 1e6 ? [n / 1e3, 'kB'] : n < 1e9 ? [n / 1e6, 'MB'] : [n / 1e9, 'GB'];
  return `${value.toFixed(value < 10 ? 1 : 0)} ${unit}`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function firmwareLabel(probe: BoardProbe): string {
  const name = probe.implementation.name === 'micropython' ? 'MicroPython' : probe.implementation.name;
  return `${name} ${probe.implementation.version}`;
}

/** `.mpy 6.3 · armv6m`, `.mpy 6.3 · bytecode only`, or `no .mpy support`. */
export function abiLabel(probe: BoardProbe): string {
  if (!probe.mpy) return 'no .mpy support';
  const arch = probe.mpy.arch === 'none' ? 'bytecode only' : probe.mpy.arch;
  return `.mpy ${probe.mpy.version}.${probe.mpy.subVersion} · ${arch}`;
}

export function featureList(probe: BoardProbe): string[] {
  const f = probe.features;
  const names: Array<[boolean, string]> = [
    [probe.fs.dirs, 'folders'],
    [f.rawPaste, 'raw-paste'],
    [f.hashlib, 'hashlib'],
    [f.binascii, 'binascii'],
    [f.deflate, 'deflate'],
    [f.consoleInput, 'files fed on the console'],
  ];
  return names.filter(([has]) => has).map(([, name]) => name);
}
