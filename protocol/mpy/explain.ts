import { acceptedArchRange, ARCH, archName, boardAcceptsArch, rv32ExtensionNames } from './arch.ts';
import type { BoardAbi } from './board-abi.ts';
import type { MpyHeader } from './header.ts';
import type { LoaderBoard, LoaderOutcome } from './loader.ts';
import { mpyCrossReleaseFor, mpyVersionLabel, releasesForMpy } from './releases.ts';

/** Everything the wording needs about one file on one board. */
export interface ExplainInput {
  fileName: string;
  /** The module name: "fastmath" for "lib/fastmath.mpy". */
  stem: string;
  header: MpyHeader;
  board: LoaderBoard;
  outcome: LoaderOutcome;
  /** True when the board's firmware release was not given and the 6.3 loader generation was assumed. */
  firmwareAssumed: boolean;
}

export interface Wording {
  /** What the file is, what the board runs, and why it does (not) load; without the fix. */
  summary: string;
  fix: string | null;
}

/** "holds native armv7emsp code built for .mpy 6.1 (MicroPython 1.20–1.21)" / "is bytecode for .mpy 6 (MicroPython 1.19 and later)". */
export function describeFile(header: MpyHeader): string {
  const version = mpyVersionLabel(header.version, header.subVersion);
  if (header.nativeCode) {
    const flags = header.archFlags ? ` needing the ${rv32ExtensionNames(header.archFlags)} extension` : '';
    return `holds native ${header.archName} code${flags} built for .mpy ${version} (MicroPython ${releasesForMpy(header.version, header.subVersion)})`;
  }
  // Bytecode-only .mpy 6 files load on every 6.x loader that ignores the sub-version (1.20+).
  const releases = header.version === 6 && header.subVersion === 0 ? '1.19 and later' : releasesForMpy(header.version, header.subVersion);
  return `is bytecode for .mpy ${version} (MicroPython ${releases})`;
}

export function describeBoard(abi: BoardAbi): string {
  return `this board runs .mpy ${mpyVersionLabel(abi.version, abi.version >= 6 ? abi.subVersion : null)} (MicroPython ${abi.releases})`;
}

/** The mpy-cross command line that makes a file this board loads. */
export function mpyCrossCommand(stem: string, header: MpyHeader | null, board: LoaderBoard): string {
  const { abi } = board;
  const args: string[] = ['mpy-cross'];
  const fileArch = header?.nativeCode ? header.arch : ARCH.NONE;
  const keepArch = fileArch !== ARCH.NONE && boardAcceptsArch(abi.arch, fileArch, board.generation !== 'mpy4');
  if (keepArch) args.push(`-march=${archName(fileArch)}`);
  else if (fileArch !== ARCH.NONE && abi.arch !== ARCH.NONE) args.push(`-march=${abi.archName}`);
  const rv32 = args.some((a) => a === '-march=rv32imc');
  if (rv32 && abi.archFlags !== 0) args.push(`-march-flags=${rv32ExtensionNames(abi.archFlags).replace(/\+/g, ',')}`);
  if (abi.featureFlags !== null) {
    if ((abi.featureFlags & 2) === 0) args.push('-mno-unicode');
    if ((abi.featureFlags & 1) !== 0) args.push('-mcache-lookup-bc');
  }
  if (board.smallIntBits < 31) args.push(`-msmall-int-bits=${board.smallIntBits}`);
  args.push(`${stem}.py`);
  return args.join(' ');
}

function recompileFix(input: ExplainInput, extra = ''): string {
  const { abi } = input.board;
  const release = mpyCrossReleaseFor(abi.version, abi.version >= 6 ? abi.subVersion : null);
  const header = input.header;
  const nativeWithoutEmitter = header.nativeCode && abi.arch === ARCH.NONE;
  if (nativeWithoutEmitter) {
    return `remove the @micropython.native / @micropython.viper decorators and recompile with mpy-cross from MicroPython ${release}: \`${mpyCrossCommand(input.stem, null, input.board)}\`, or ship ${input.stem}.py.`;
  }
  return `recompile with mpy-cross from MicroPython ${release}: \`${mpyCrossCommand(input.stem, header, input.board)}\`${extra}, or ship ${input.stem}.py.`;
}

/** Words for a file whose header parsed; the outcome comes from simulateLoad. */
export function explainOutcome(input: ExplainInput): Wording {
  const { fileName, header, board, outcome } = input;
  const { abi, smallIntBits } = board;
  const file = `${fileName} ${describeFile(header)}`;
  const boardText = describeBoard(abi);

  switch (outcome.stage) {
    case null: {
      const how = header.nativeCode
        ? `Native ${header.archName} code runs on this board (it accepts ${acceptedArchRange(abi.arch)}).`
        : header.version === 6 && abi.version === 6 && abi.subVersion !== 0
          ? 'Bytecode only needs the same major version; the sub-version is ignored.'
          : 'The header matches what the loader checks.';
      return { summary: `${file}; ${boardText}. ${how}`, fix: null };
    }
    case 'magic':
    case 'version': {
      const text = `${file}; ${boardText}. The loader only accepts .mpy ${abi.version} files.`;
      return { summary: text, fix: recompileFix(input) };
    }
    case 'feature-flags': {
      const want = abi.featureFlags ?? board.featureByte ?? 0;
      const got = header.featureFlags ?? 0;
      const text = `${file}; ${boardText}. Its feature flags are ${flagsText(got)} but this board's loader demands exactly ${flagsText(want)}.`;
      return { summary: text, fix: recompileFix(input) };
    }
    case 'sub-version': {
      if (board.generation === 'mpy6.0') {
        const text = `${file}; ${boardText}. MicroPython 1.19 requires the two low bits of the header's byte 2 to be 0, even for bytecode, and this file sets them to ${header.subVersion}.`;
        return { summary: text, fix: recompileFix(input) };
      }
      const archNote = boardAcceptsArch(abi.arch, header.arch)
        ? ''
        : abi.arch === ARCH.NONE
          ? ' This board has no native emitter either, so native code cannot run here at all.'
          : ` Its arch would be refused too: this board runs ${acceptedArchRange(abi.arch)} code.`;
      const text = `${file}; ${boardText}. Native code must match the sub-version exactly (bytecode would have loaded).${archNote}`;
      return { summary: text, fix: recompileFix(input) };
    }
    case 'small-int': {
      const text = `${file}; ${boardText}. It was built for ${header.smallIntBits}-bit small ints, more than this board's ${smallIntBits}-bit ones.`;
      const extra = smallIntBits < 31 ? '' : ` (mpy-cross writes ${31} by default)`;
      return { summary: text, fix: recompileFix(input, extra) };
    }
    case 'qstr-window': {
      const text = `${file}; ${boardText}. Its qstr window is ${header.qstrWindow}, larger than the 32 the loader allows.`;
      return { summary: text, fix: recompileFix(input) };
    }
    case 'arch':
      return explainArch(input, file, boardText);
    case 'arch-flags': {
      const needs = rv32ExtensionNames(header.archFlags);
      const text =
        abi.arch === ARCH.RV32IMC
          ? `${file}; ${boardText}. The file needs RV32 extensions ${needs} (arch flags ${header.archFlags}) but this board allows ${rv32ExtensionNames(abi.archFlags)}: a file's extensions must be a subset of the board's.`
          : `${file}; ${boardText}. It carries an arch-flags field (bit 6 of byte 2), which only RV32 firmware reads.`;
      return { summary: `${text}${assumedNote(input)}`, fix: recompileFix(input) };
    }
    case 'no-body': {
      const text = `${fileName}: the header passes the loader's checks but the file ends right after it; the loader would read past the end (it may hang or crash). The file is cut off.`;
      return { summary: text, fix: `copy or compile it again, or ship ${input.stem}.py.` };
    }
  }
}

function explainArch(input: ExplainInput, file: string, boardText: string): Wording {
  const { header, board, outcome } = input;
  const { abi } = board;
  let text: string;
  if (outcome.decodedArch !== header.arch) {
    text = `${file}; ${boardText}. The file sets the arch-flags bit of MicroPython 1.27, which this older firmware does not know: it reads the arch as ${outcome.decodedArch}.`;
    const fixText = `recompile without -march-flags (\`${mpyCrossCommand(input.stem, header, board)}\`), update the board to MicroPython 1.27 or later, or ship ${input.stem}.py.`;
    return { summary: text, fix: fixText };
  }
  if (abi.arch === ARCH.NONE) {
    text = `${file}; ${boardText}: its firmware was built without a native code emitter, so it only loads bytecode.`;
  } else {
    const thumb = acceptedArchRange(abi.arch) !== abi.archName ? ' (Thumb boards accept armv6m up to their own arch)' : '';
    text = `${file}; ${boardText} with native ${acceptedArchRange(abi.arch)} code. Native code only runs on the arch it was compiled for${thumb}.`;
  }
  const fixText = recompileFix(input);
  return { summary: text, fix: fixText };
}

function flagsText(flags: number): string {
  const parts = [flags & 2 ? 'unicode strings' : 'no unicode'];
  if (flags & 1) parts.push('cached map lookups');
  return `0x${flags.toString(16)} (${parts.join(', ')})`;
}

function assumedNote(input: ExplainInput): string {
  if (!input.firmwareAssumed) return '';
  return ' (This assumes MicroPython 1.27 or later; 1.23–1.26 would say "incompatible .mpy arch" instead.)';
}
