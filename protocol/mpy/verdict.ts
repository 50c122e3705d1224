import { decodeBoardMpy } from './board-abi.ts';
import { explainOutcome, describeFile } from './explain.ts';
import { parseMpyHeader } from './header.ts';
import { INCOMPATIBLE_FILE, loaderGeneration, simulateLoad, type FirmwareError, type LoaderBoard } from './loader.ts';
import { eraMpyVersion, parseRelease, releaseAtLeast, releasesForMpy } from './releases.ts';

export interface BoardTarget {
  /** `sys.implementation._mpy`, or null when the board has none. */
  mpy: number | null;
  /** Default 31 (32-bit boards); 63 on 64-bit unix builds. */
  smallIntBits?: number;
  /** e.g. "1.9.2", "1.27.0": picks the loader generation (bit-6 masking from 1.27; no-_mpy firmware). */
  firmwareVersion?: string;
}

export interface Verdict {
  loadable: boolean;
  /** The exact ValueError text the firmware raises, or null (loads, or fails without a ValueError). */
  firmwareError: FirmwareError | null;
  /** Plain words for a student: what the file is, what the board runs, and why it does (not) load. */
  summary: string;
  /** What to do about it, or null when there is nothing to do. */
  fix: string | null;
  /** True when the board gives no `_mpy` and the verdict is a guess. */
  inferred: boolean;
}

const DEFAULT_SMALL_INT_BITS = 31;

/** Decides, as the board's own `mp_raw_code_load` would, whether `bytes` imports on `board`. Never throws. */
export function judgeMpy(fileName: string, bytes: Uint8Array, board: BoardTarget): Verdict {
  const stem = moduleStem(fileName);
  const smallIntBits = board.smallIntBits ?? DEFAULT_SMALL_INT_BITS;
  const firmware = parseRelease(board.firmwareVersion);
  if (board.mpy === null) return judgeWithoutMpy(fileName, stem, bytes, smallIntBits, board.firmwareVersion);

  const abi = decodeBoardMpy(board.mpy);
  const loaderBoard: LoaderBoard = { abi, smallIntBits, generation: loaderGeneration(abi, firmware) };
  const outcome = simulateLoad(bytes, loaderBoard);
  const header = parseMpyHeader(bytes);

  if (!header.ok) {
    const consequence = outcome.error ? `the firmware says "${outcome.error}"` : 'the firmware cannot load it';
    const fix = `ship ${stem}.py, or compile it again with mpy-cross from MicroPython ${abi.releases}.`;
    return {
      loadable: false,
      firmwareError: outcome.error,
      summary: `${fileName} is not a usable .mpy file: ${header.reason}; ${consequence}.`,
      fix,
      inferred: false,
    };
  }

  const firmwareAssumed = firmware === null && abi.version === 6 && abi.subVersion === 3 && abi.archFlags === 0;
  const wording = explainOutcome({ fileName, stem, header, board: loaderBoard, outcome, firmwareAssumed });
  return { loadable: outcome.stage === null, firmwareError: outcome.error, ...wording, inferred: false };
}

/** A board without `_mpy`: 1.12+ has no .mpy import at all; older firmware may load its era's version. */
function judgeWithoutMpy(fileName: string, stem: string, bytes: Uint8Array, smallIntBits: number, firmwareText?: string): Verdict {
  const firmware = parseRelease(firmwareText);
  const header = parseMpyHeader(bytes);
  const era = firmware ? eraMpyVersion(firmware) : null;
  const shipPy = `ship ${stem}.py.`;

  if (firmware && releaseAtLeast(firmware, 1, 12)) {
    return {
      loadable: false,
      firmwareError: null,
      summary: `${fileName}: this board's firmware (MicroPython ${firmwareText}) reports no sys.implementation._mpy, so it was built without .mpy import: \`import ${stem}\` will not find it.`,
      fix: shipPy,
      inferred: false,
    };
  }
  if (era === null) {
    const knownOld = firmware !== null;
    return {
      loadable: false,
      firmwareError: null,
      summary: `${fileName}: this board reports no sys.implementation._mpy. ${knownOld ? `MicroPython ${firmwareText} predates the .mpy versions decoded here` : "From MicroPython 1.12 on that means it cannot import .mpy files at all; older firmware might load its own era's .mpy version, but its release is unknown"}.`,
      fix: shipPy,
      inferred: true,
    };
  }

  const eraText = `MicroPython ${firmwareText} has no sys.implementation._mpy; a build of it that enables .mpy loading reads .mpy ${era} (MicroPython ${releasesForMpy(era, null)}), and nothing on the board says whether this one does`;
  if (!header.ok) {
    return {
      loadable: false,
      firmwareError: INCOMPATIBLE_FILE,
      summary: `${fileName} is not a usable .mpy file: ${header.reason}. ${eraText}.`,
      fix: shipPy,
      inferred: true,
    };
  }
  const fileText = `${fileName} ${describeFile(header)}`;
  if (header.version !== era || header.smallIntBits > smallIntBits) {
    const why = header.version !== era ? `its version ${header.version} is not ${era}` : `it needs ${header.smallIntBits}-bit small ints`;
    return { loadable: false, firmwareError: INCOMPATIBLE_FILE, summary: `${fileText}. ${eraText}; ${why}.`, fix: shipPy, inferred: true };
  }
  return {
    loadable: true,
    firmwareError: null,
    summary: `${fileText}. ${eraText}; it might load if the build enabled .mpy loading and its feature flags match.`,
    fix: shipPy,
    inferred: true,
  };
}

/** "lib/fastmath.mpy" → "fastmath" (and "main.py" → "main": the advice must not say "ship main.py.py"). */
export function moduleStem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.m?py$/i, '') || base;
}

/** A verdict (or any refusal) in one line for people: the summary, then the fix. */
export function refusalText(refusal: { summary: string; fix: string | null }): string {
  return refusal.fix ? `${refusal.summary} Fix: ${refusal.fix}` : refusal.summary;
}
