import { ARCH, boardAcceptsArch } from './arch.ts';
import type { BoardAbi } from './board-abi.ts';
import { ARCH_FLAGS_BIT, MPY_MAGIC } from './header.ts';
import { releaseAtLeast, type ReleaseVersion } from './releases.ts';
import { readVuint } from './vuint.ts';

/** The `ValueError` texts of `mp_raw_code_load`, exactly as the firmware raises them. */
export const INCOMPATIBLE_FILE = 'incompatible .mpy file';
export const INCOMPATIBLE_ARCH = 'incompatible .mpy arch';
export const NATIVE_UNSUPPORTED = 'native code in .mpy unsupported';
export type FirmwareError = typeof INCOMPATIBLE_FILE | typeof INCOMPATIBLE_ARCH | typeof NATIVE_UNSUPPORTED;

/**
 * Which `mp_raw_code_load` a board runs. They differ in what byte 2 means and in the order and
 * wording of the checks (py/persistentcode.c at v1.10, v1.11, v1.18, v1.19.1, v1.20.0, v1.27.0).
 */
export type LoaderGeneration =
  | 'whole-flags-byte' // .mpy 2–3 (1.9–1.10): byte 2 must equal the build's flags; no native code
  | 'mpy4' //             1.11: flags in bits 0–1 must match, arch compared exactly
  | 'mpy5' //             1.12–1.18: flags must match, Thumb boards accept armv6m..own arch
  | 'mpy6.0' //           1.19: bits 0–1 must be 0, only "incompatible .mpy arch"
  | 'mpy6-unmasked' //    1.20–1.26: sub-version checked for native files only
  | 'mpy6-masked'; //     1.27+: arch decoded with mask 0x2F, arch-flags vuint (bit 6)

export function loaderGeneration(board: BoardAbi, firmware: ReleaseVersion | null): LoaderGeneration {
  if (board.version <= 3) return 'whole-flags-byte';
  if (board.version === 4) return 'mpy4';
  if (board.version === 5) return 'mpy5';
  if (board.version === 6 && board.subVersion === 0) return 'mpy6.0';
  if (board.version === 6 && board.subVersion < 3) return 'mpy6-unmasked';
  if (board.archFlags !== 0) return 'mpy6-masked'; // only 1.27+ reports arch flags
  if (firmware && !releaseAtLeast(firmware, 1, 27)) return 'mpy6-unmasked';
  return 'mpy6-masked';
}

/** Which check refused the file; 'no-body' is a header that passes but nothing follows it. */
export type LoaderStage = 'magic' | 'version' | 'feature-flags' | 'sub-version' | 'small-int' | 'qstr-window' | 'arch' | 'arch-flags' | 'no-body';

export interface LoaderOutcome {
  /** The ValueError text, or null when the file loads (or, for 'no-body', when the loader would hang). */
  error: FirmwareError | null;
  stage: LoaderStage | null;
  /** The arch as this loader decodes byte 2 (an unmasked bit 6 turns rv32imc into 27). */
  decodedArch: number;
}

export interface LoaderBoard {
  abi: BoardAbi;
  smallIntBits: number;
  generation: LoaderGeneration;
  /** .mpy 2–3 boards: the feature byte they were built with, when known. */
  featureByte?: number | null;
}

const QSTR_WINDOW_SIZE = 32;
const EOF_BYTE = 0xff; // mp_reader's MP_READER_EOF truncated to a byte

/** Runs the header part of `mp_raw_code_load` on `bytes` for `board`, in the firmware's own order. */
export function simulateLoad(bytes: Uint8Array, board: LoaderBoard): LoaderOutcome {
  const h = [0, 1, 2, 3].map((i) => bytes[i] ?? EOF_BYTE) as [number, number, number, number];
  const { abi, generation } = board;
  const masked = generation === 'mpy6-masked';
  const decodedArch = generation === 'whole-flags-byte' ? ARCH.NONE : masked ? (h[2] >> 2) & 0x2f : h[2] >> 2;
  const fail = (error: FirmwareError | null, stage: LoaderStage): LoaderOutcome => ({ error, stage, decodedArch });

  // One `if` with several conditions and one message; the stage names the first that holds.
  if (h[0] !== MPY_MAGIC) return fail(INCOMPATIBLE_FILE, 'magic');
  if (h[1] !== abi.version) return fail(INCOMPATIBLE_FILE, 'version');
  switch (generation) {
    case 'whole-flags-byte':
      if (board.featureByte != null && h[2] !== board.featureByte) return fail(INCOMPATIBLE_FILE, 'feature-flags');
      break;
    case 'mpy4':
    case 'mpy5':
      if ((h[2] & 3) !== abi.featureFlags) return fail(INCOMPATIBLE_FILE, 'feature-flags');
      break;
    case 'mpy6.0':
      if ((h[2] & 3) !== 0) return fail(INCOMPATIBLE_FILE, 'sub-version');
      break;
    default:
      if (decodedArch !== ARCH.NONE && (h[2] & 3) !== abi.subVersion) return fail(INCOMPATIBLE_FILE, 'sub-version');
  }
  if (h[3] > board.smallIntBits) return fail(INCOMPATIBLE_FILE, 'small-int');

  let offset = 4;
  if (generation === 'mpy4' || generation === 'mpy5') {
    const qstrWindowField = readVuint(bytes, offset);
    if (!qstrWindowField) return fail(null, 'no-body'); // read_uint on EOF bytes never ends
    if (qstrWindowField.value > QSTR_WINDOW_SIZE) return fail(INCOMPATIBLE_FILE, 'qstr-window');
    offset += qstrWindowField.length;
  }

  if (decodedArch !== ARCH.NONE && generation !== 'whole-flags-byte') {
    const accepted = boardAcceptsArch(abi.arch, decodedArch, generation !== 'mpy4');
    if (!accepted) {
      const saysUnsupported = abi.arch === ARCH.NONE && (generation === 'mpy6-unmasked' || masked);
      return fail(saysUnsupported ? NATIVE_UNSUPPORTED : INCOMPATIBLE_ARCH, 'arch');
    }
  }

  if (masked && (h[2] & ARCH_FLAGS_BIT) !== 0) {
    if (abi.arch !== ARCH.RV32IMC) return fail(INCOMPATIBLE_FILE, 'arch-flags');
    const flags = readVuint(bytes, offset);
    if (!flags) return fail(null, 'no-body');
    if ((flags.value & abi.archFlags) !== flags.value) return fail(INCOMPATIBLE_FILE, 'arch-flags');
    offset += flags.length;
  }

  if (bytes.length <= offset) return fail(null, 'no-body');
  return { error: null, stage: null, decodedArch };
}
