import { archName, rv32ExtensionNames, ARCH, type ArchName } from './arch.ts';
import { mpyVersionLabel, releasesForMpy } from './releases.ts';

/** What a board's `sys.implementation._mpy` says about the `.mpy` files it loads. */
export interface BoardAbi {
  raw: number;
  version: number;
  /** `(_mpy >> 8) & 3`: the sub-version on .mpy 6 boards (0 on 1.19); the feature flags on .mpy 5. */
  subVersion: number;
  /** .mpy 5 boards: the feature flags the loader demands exactly (bit 1 = unicode); else null. */
  featureFlags: number | null;
  arch: number;
  archName: ArchName;
  /** `_mpy >> 16`: RV32 extensions the board allows (bit 0 zba, bit 1 zcmp), 1.27 and later. */
  archFlags: number;
  /** "6.3 xtensawin", "6.3 (bytecode only)", "6.3 rv32imc+zba", "5 armv7m, unicode". */
  label: string;
  /** "1.23 and later". */
  releases: string;
}

/** Decodes `sys.implementation._mpy` (py/modsys.c, docs/reference/mpyfiles.rst). Never throws. */
export function decodeBoardMpy(raw: number): BoardAbi {
  const value = Number.isSafeInteger(raw) && raw >= 0 ? raw : 0;
  const version = value & 0xff;
  const low = (value >> 8) & 3;
  const arch = (value >> 10) & 0x0f;
  const archFlags = Math.floor(value / 0x10000);
  const hasSubVersion = version >= 6;
  const featureFlags = version >= 4 && version <= 5 ? low : null;
  return {
    raw: value,
    version,
    subVersion: hasSubVersion ? low : 0,
    featureFlags,
    arch,
    archName: archName(arch),
    archFlags,
    label: boardLabel(version, hasSubVersion ? low : null, featureFlags, arch, archFlags),
    releases: releasesForMpy(version, hasSubVersion ? low : null),
  };
}

function boardLabel(version: number, sub: number | null, flags: number | null, arch: number, archFlags: number): string {
  const versionLabel = mpyVersionLabel(version, sub);
  let archLabel = arch === ARCH.NONE ? '(bytecode only)' : archName(arch);
  if (archFlags !== 0) archLabel += `+${rv32ExtensionNames(archFlags)}`;
  const flagsLabel = flags === null ? '' : (flags & 2 ? ', unicode' : ', no unicode') + (flags & 1 ? ', cached map lookups' : '');
  return `${versionLabel} ${archLabel}${flagsLabel}`;
}

/** Builds an `_mpy` value (the inverse of decodeBoardMpy), e.g. for tests and tables. */
export function encodeBoardMpy(version: number, subOrFlags: number, arch: number, archFlags = 0): number {
  return version | ((subOrFlags | (arch << 2)) << 8) | (archFlags * 0x10000);
}

/**
 * Reads an `_mpy` value as a user types it: decimal ("4870"), hex ("0x1306"), or "none" for a
 * firmware without `.mpy` support (null). Returns undefined when the text is none of these.
 */
export function parseMpyValue(text: string): number | null | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'none') return null;
  if (/^0x[0-9a-f]+$/.test(trimmed)) return Number.parseInt(trimmed.slice(2), 16);
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return undefined;
}
