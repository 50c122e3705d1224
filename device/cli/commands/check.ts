import { basename } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { decodeBoardMpy, headerToJson, judgeMpy, parseMpyHeader, parseMpyValue, parseRelease, refusalText, type BoardTarget } from '../../../protocol/mpy';
import { MpysyncError } from '../../../protocol/errors';
import { collectFiles } from '../../local-files';
import { EXIT_OK, EXIT_SOME_FAILED } from '../exit-codes';

interface CheckOptions {
  boardMpy?: string;
  smallIntBits?: string;
  firmware?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('check')
    .description('Say, offline, which .mpy files a board will load, exactly as its firmware decides, and why not.')
    .argument('<paths...>', '.mpy files, or folders searched recursively for .mpy files')
    .option('--board-mpy <value>', "the board's sys.implementation._mpy: decimal, 0x hex, or 'none'")
    .option('--small-int-bits <bits>', "the board's small-int bits (31 on 32-bit boards, 63 on 64-bit unix)", '31')
    .option('--firmware <version>', 'the board firmware release, e.g. 1.27.0 (picks the loader generation)')
    .option('--json', 'print a JSON array instead of one line per file')
    .action(async (paths: string[], options: CheckOptions) => {
      const board = boardFromOptions(options);
      const files = await collectFiles(paths, { include: (rel) => rel.toLowerCase().endsWith('.mpy') });
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
        printForPeople(results, board);
      }
      process.exitCode = results.every((r) => r.verdict.loadable) ? EXIT_OK : EXIT_SOME_FAILED;
    });
}

function boardFromOptions(options: CheckOptions): BoardTarget {
  if (options.boardMpy === undefined) {
    throw usage("--board-mpy is required: give the board's sys.implementation._mpy (e.g. 4870 for an RP2040, 0x2B06 for an ESP32), or 'none'");
  }
  const mpy = parseMpyValue(options.boardMpy);
  if (mpy === undefined) throw usage(`--board-mpy '${options.boardMpy}' is not a number (decimal or 0x hex) or 'none'`);
  const smallIntBits = Number(options.smallIntBits ?? '31');
  if (!Number.isInteger(smallIntBits) || smallIntBits < 8 || smallIntBits > 64) {
    throw usage(`--small-int-bits '${options.smallIntBits}' must be a whole number of bits, e.g. 31 or 63`);
  }
  if (options.firmware !== undefined && !parseRelease(options.firmware)) {
    throw usage(`--firmware '${options.firmware}' is not a release like 1.27.0`);
  }
  return { mpy, smallIntBits, firmwareVersion: options.firmware };
}

function printForPeople(results: Array<{ file: string; verdict: ReturnType<typeof judgeMpy> }>, board: BoardTarget): void {
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
  const boardText = board.mpy === null ? 'a board without _mpy' : `_mpy ${board.mpy} (.mpy ${decodeBoardMpy(board.mpy).label})`;
  lines.push(colors.dim(`${loaded} of ${results.length} file${results.length === 1 ? '' : 's'} load on ${boardText}.`));
  process.stdout.write(lines.join('\n') + '\n');
}

/** main.ts turns an MpysyncError without its own exit code into EXIT_USAGE (2). */
function usage(message: string): MpysyncError {
  return new MpysyncError('usage', message);
}
