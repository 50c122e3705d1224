import { basename } from 'node:path';
import pc from 'picocolors';
import {
  decodeBoardMpy,
  findKnownBoard,
  headerToJson,
  judgeMpy,
  KNOWN_BOARDS,
  parseMpyHeader,
  parseMpyValue,
  parseRelease,
  refusalText,
  type BoardTarget,
} from '../../../protocol/mpy/index.ts';
import { MpysyncError } from '../../../protocol/errors.ts';
import { collectFiles } from '../../local-files.ts';
import { EXIT_OK, EXIT_SOME_FAILED } from '../exit-codes.ts';

interface CheckOptions {
  boardMpy?: string;
  smallIntBits?: string;
  firmware?: string;
  json?: boolean;
}

/** Judges every .mpy named or found; a .py named on its own is said to be source, not judged as an .mpy. */
export async function runCheck(paths: string[], options: CheckOptions): Promise<void> {
  const board = boardFromOptions(options);
  const found = await collectFiles(paths, { include: (rel) => rel.toLowerCase().endsWith('.mpy') });
  const sources = found.filter((file) => /\.py$/i.test(file.path));
  const files = found.filter((file) => !/\.py$/i.test(file.path));
  for (const source of sources) {
    process.stderr.write(`mpysync: ${source.path} is Python source, not an .mpy: check judges .mpy files (\`mpysync plan\` compiles .py files for a board)\n`);
  }
  if (files.length === 0) throw usage(`no .mpy files found in ${paths.join(', ')}`);

  const results = files.map((file) => ({ file: file.path, verdict: judgeMpy(basename(file.path), file.bytes, board), bytes: file.bytes }));
  if (options.json) {
    const json = results.map(({ file, verdict, bytes }) => ({
      file,
      loadable: verdict.loadable,
      firmwareError: verdict.firmwareError,
      summary: verdict.summary,
      fix: verdict.fix,
      inferred: verdict.inferred,
      header: headerToJson(parseMpyHeader(bytes)),
    }));
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else {
    printForPeople(results, board, findKnownBoard(options.boardMpy!)?.name ?? null);
  }
  process.exitCode = results.every((r) => r.verdict.loadable) ? EXIT_OK : EXIT_SOME_FAILED;
}

function boardFromOptions(options: CheckOptions): BoardTarget {
  if (options.boardMpy === undefined) {
    throw usage(
      "--board-mpy is required: give the board's sys.implementation._mpy (e.g. 4870 for an RP2040, 0x2B06 for an ESP32), 'none', or a board's name (rp2040, esp32, …)",
    );
  }
  const known = findKnownBoard(options.boardMpy);
  const mpy = known ? known.mpy : parseMpyValue(options.boardMpy);
  if (mpy === undefined) {
    const names = KNOWN_BOARDS.map((b) => b.aliases[0]).join(', ');
    throw usage(`--board-mpy '${options.boardMpy}' is not a number (decimal or 0x hex), 'none', or a known board (${names})`);
  }
  if (known && options.smallIntBits === undefined) options.smallIntBits = String(known.smallIntBits ?? 31);
  if (known && options.firmware === undefined) options.firmware = known.firmware;
  const smallIntBits = Number(options.smallIntBits ?? '31');
  if (!Number.isInteger(smallIntBits) || smallIntBits < 8 || smallIntBits > 64) {
    throw usage(`--small-int-bits '${options.smallIntBits}' must be a whole number of bits, e.g. 31 or 63`);
  }
  if (options.firmware !== undefined && !parseRelease(options.firmware)) {
    throw usage(`--firmware '${options.firmware}' is not a release like 1.27.0`);
  }
  return { mpy, smallIntBits, firmwareVersion: options.firmware };
}

function printForPeople(results: Array<{ file: string; verdict: ReturnType<typeof judgeMpy> }>, board: BoardTarget, boardName: string | null): void {
  const colors = pc.createColors(Boolean(process.stdout.isTTY));
  const lines = results.map(({ file, verdict }) => {
    if (verdict.loadable) {
      const note = verdict.inferred ? colors.yellow(` (a guess) — ${refusalText(verdict)}`) : '';
      return `${colors.green('✓')} ${file}: loads${note}`;
    }
    const error = verdict.firmwareError ? `${colors.red(verdict.firmwareError)} — ` : '';
    return `${colors.red('✗')} ${file}: ${error}${refusalText(verdict)}`;
  });
  const loaded = results.filter((r) => r.verdict.loadable).length;
  const abiText = board.mpy === null ? 'a board without _mpy' : `_mpy ${board.mpy} (.mpy ${decodeBoardMpy(board.mpy).label})`;
  const boardText = boardName ? `${boardName}, ${abiText}` : abiText;
  lines.push(colors.dim(`${loaded} of ${results.length} file${results.length === 1 ? '' : 's'} load on ${boardText}.`));
  process.stdout.write(lines.join('\n') + '\n');
}

/** main.ts turns an MpysyncError without its own exit code into EXIT_USAGE (2). */
function usage(message: string): MpysyncError {
  return new MpysyncError('usage', message);
}
