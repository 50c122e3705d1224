import { archName, type ArchName } from './arch.ts';
import { readVuint } from './vuint.ts';

export const MPY_MAGIC = 0x4d; // 'M'
const CIRCUITPYTHON_MAGIC = 0x43; // 'C'
const HEADER_LENGTH = 4;
/** Bit 6 of byte 2 in .mpy 6 files from 1.27 on: an arch-flags vuint follows the header. */
export const ARCH_FLAGS_BIT = 0x40;
export const NEWEST_MPY_VERSION = 6;

export interface MpyHeader {
  ok: true;
  version: number;
  /** .mpy 6: `h[2] & 3`; older versions have none. */
  subVersion: number | null;
  /** .mpy 4/5: `h[2] & 3` (bit 1 = unicode strings); .mpy 2/3: the whole byte 2. */
  featureFlags: number | null;
  arch: number;
  archName: ArchName;
  /** The vuint after the header when bit 6 of byte 2 is set (.mpy 6), else 0. */
  archFlags: number;
  hasArchFlagsField: boolean;
  smallIntBits: number;
  nativeCode: boolean;
  /** .mpy 4/5: the qstr-window size vuint that follows the header. */
  qstrWindow: number | null;
  /** The raw header bytes read (4, plus any vuint that belongs to the header). */
  bytes: Uint8Array;
  /** Whether anything follows the header (a file that ends there cannot load). */
  hasBody: boolean;
}

export interface NotMpy {
  ok: false;
  reason: string;
}

/** Reads what an .mpy header declares, for every format MicroPython has shipped. Never throws. */
export function parseMpyHeader(bytes: Uint8Array): MpyHeader | NotMpy {
  if (bytes.length === 0) return notMpy('empty file');
  const magic = bytes[0]!;
  if (magic === CIRCUITPYTHON_MAGIC) return notMpy("starts with 'C' (0x43): a CircuitPython .mpy");
  if (magic !== MPY_MAGIC) return notMpy(`starts with ${describeByte(magic)}, not 'M'`);
  if (bytes.length < HEADER_LENGTH) {
    const n = bytes.length;
    return notMpy(`only ${n} byte${n === 1 ? '' : 's'}, an .mpy header has ${HEADER_LENGTH}`);
  }
  const version = bytes[1]!;
  const feature = bytes[2]!;
  const smallIntBits = bytes[3]!;
  if (version > NEWEST_MPY_VERSION) {
    return notMpy(`starts with 'M' but its version byte is ${describeByte(version)}, not a known .mpy version (0–${NEWEST_MPY_VERSION})`);
  }

  let subVersion: number | null = null;
  let featureFlags: number | null = null;
  let arch = 0;
  let archFlags = 0;
  let hasArchFlagsField = false;
  let qstrWindow: number | null = null;
  let headerEnd = HEADER_LENGTH;

  if (version >= 6) {
    subVersion = feature & 3;
    arch = (feature >> 2) & 0x2f;
    hasArchFlagsField = (feature & ARCH_FLAGS_BIT) !== 0;
    if (hasArchFlagsField) {
      const flags = readVuint(bytes, HEADER_LENGTH);
      if (!flags) return notMpy('the arch-flags field after the 4-byte header is cut off');
      archFlags = flags.value;
      headerEnd += flags.length;
    }
  } else if (version >= 4) {
    featureFlags = feature & 3;
    arch = feature >> 2;
    const qstrWindowField = readVuint(bytes, HEADER_LENGTH);
    if (!qstrWindowField) return notMpy('the qstr-window size after the 4-byte header is missing (the file is cut off)');
    qstrWindow = qstrWindowField.value;
    headerEnd += qstrWindowField.length;
  } else {
    featureFlags = feature;
  }

  return {
    ok: true,
    version,
    subVersion,
    featureFlags,
    arch,
    archName: archName(arch),
    archFlags,
    hasArchFlagsField,
    smallIntBits,
    nativeCode: arch !== 0,
    qstrWindow,
    bytes: bytes.slice(0, headerEnd),
    hasBody: bytes.length > headerEnd,
  };
}

function notMpy(reason: string): NotMpy {
  return { ok: false, reason };
}

/** "'P' (0x50)" for printable bytes, "0x7f" otherwise. */
export function describeByte(b: number): string {
  const hex = `0x${b.toString(16).padStart(2, '0')}`;
  return b >= 0x21 && b < 0x7f ? `'${String.fromCharCode(b)}' (${hex})` : hex;
}

/** A JSON-friendly view of a parse result (bytes as hex), for `--json` output. */
export function headerToJson(header: MpyHeader | NotMpy): Record<string, unknown> {
  if (!header.ok) return { ok: false, reason: header.reason };
  const { bytes, ...rest } = header;
  return { ...rest, hex: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') };
}
