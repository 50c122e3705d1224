import { basename } from 'node:path';
import pc from 'picocolors';
import {
  headerToJson,
  judgeMpy,
  KNOWN_BOARDS,
  mpyVersionLabel,
  parseMpyHeader,
  releasesForMpy,
  rv32ExtensionNames,
  type MpyHeader,
  type NotMpy,
} from '../../../protocol/mpy/index.ts';
import { collectFiles } from '../../local-files.ts';
import { MpysyncError } from '../../../protocol/errors.ts';
import { EXIT_OK, EXIT_SOME_FAILED } from '../exit-codes.ts';

interface BoardOutcome {
  name: string;
  mpy: number;
  firmware: string;
  error: string | null;
}

export async function runInspect(paths: string[], options: { json?: boolean }): Promise<void> {
  const files = await collectFiles(paths, { include: (rel) => rel.toLowerCase().endsWith('.mpy') });
  if (files.length === 0) throw new MpysyncError('usage', `no .mpy files found in ${paths.join(', ')}`);
  const reports = files.map((file) => {
    const header = parseMpyHeader(file.bytes);
    const boards: BoardOutcome[] = KNOWN_BOARDS.map((board) => {
      const verdict = judgeMpy(basename(file.path), file.bytes, { mpy: board.mpy, smallIntBits: board.smallIntBits, firmwareVersion: board.firmware });
      return { name: board.name, mpy: board.mpy, firmware: board.firmware, error: verdict.loadable ? null : (verdict.firmwareError ?? 'does not load') };
    });
    return { file: file.path, header, boards };
  });
  if (options.json) {
    const json = reports.map(({ file, header, boards }) => ({
      file,
      header: headerToJson(header),
      releases: header.ok ? releasesForMpy(header.version, header.subVersion) : null,
      loadsOn: boards.filter((b) => b.error === null).map(({ name, mpy, firmware }) => ({ name, mpy, firmware })),
      refusedBy: boards.filter((b) => b.error !== null),
    }));
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else {
    process.stdout.write(reports.map((r) => describeReport(r.file, r.header, r.boards)).join('\n\n') + '\n');
  }
  process.exitCode = reports.every((r) => r.header.ok) ? EXIT_OK : EXIT_SOME_FAILED;
}

function describeReport(file: string, header: MpyHeader | NotMpy, boards: BoardOutcome[]): string {
  const colors = pc.createColors(Boolean(process.stdout.isTTY));
  if (!header.ok) return `${colors.bold(file)}\n  ${colors.red('not an .mpy file')}: ${header.reason}`;
  const hex = Array.from(header.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
  const rows: Array<[string, string]> = [
    ['header', hex],
    ['version', `.mpy ${mpyVersionLabel(header.version, header.subVersion)} (MicroPython ${releasesForMpy(header.version, header.subVersion)})`],
  ];
  if (header.featureFlags !== null)
    rows.push(['flags', `0x${header.featureFlags.toString(16)}${header.version >= 4 && header.featureFlags & 2 ? ' (unicode)' : ''}`]);
  rows.push(['code', header.nativeCode ? `native ${header.archName}` : 'bytecode only']);
  if (header.hasArchFlagsField) rows.push(['arch flags', `${header.archFlags} (${rv32ExtensionNames(header.archFlags)})`]);
  rows.push(['small ints', `${header.smallIntBits}-bit`]);
  const loads = boards.filter((b) => b.error === null).map((b) => `${b.name} [${b.mpy}]`);
  const refused = boards.filter((b) => b.error !== null).map((b) => `${b.name} [${b.mpy}]: ${b.error}`);
  rows.push(['loads on', loads.length ? colors.green(loads.join(', ')) : colors.red('none of the known boards')]);
  const lines = rows.map(([key, value]) => `  ${key.padEnd(11)}${value}`);
  if (refused.length) lines.push(`  refused by`, ...refused.map((r) => `    ${colors.dim(r)}`));
  return `${colors.bold(file)}\n${lines.join('\n')}`;
}
