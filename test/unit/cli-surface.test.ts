/** The CLI's surface as a new user meets it: help texts, version, mistypes and the small slips. */
import type { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../device/cli/commands.ts';
import { runCli } from '../helpers/cli.ts';
import { FILES_DIR } from './mpy-fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('the CLI surface', () => {
  const program = buildProgram(VERSION);
  const commands: readonly Command[] = program.commands;
  const described = (what: string, text: string) => ({ what, text });
  const texts = [
    described('mpysync', program.description()),
    ...commands.map((c) => described(c.name(), c.description())),
    ...commands.flatMap((c) => (c.options as Option[]).map((o) => described(`${c.name()} ${o.flags}`, o.description))),
  ];

  it('help texts are in one style: lowercase start, no full stop at the end', () => {
    const offending = texts.filter(({ text }) => !/^[a-z"'.(-]/.test(text) || /\.$/.test(text));
    expect(offending).toEqual([]);
  });

  it('a default is said once: never both in the text and by commander', () => {
    const doubled = commands.flatMap((c) =>
      (c.options as Option[]).filter((o) => o.defaultValue !== undefined && /\(default/.test(o.description)).map((o) => `${c.name()} ${o.flags}`),
    );
    expect(doubled).toEqual([]);
    const help = commands.map((c) => c.helpInformation()).join('\n');
    expect(help).not.toMatch(/\(default: [^)]*\)\s*\(default:/);
    expect(help).not.toMatch(/\(default: \[\]\)|\(default: ""\)/);
  });

  it('--version prints the package version, and starts without loading any command', async () => {
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('a mistyped command prints the error and the suggestion only, exit 2', async () => {
    const result = await runCli(['snyc', 'proj']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("error: unknown command 'snyc'\n(Did you mean sync?)");
    expect(result.stdout).toBe('');
  });

  it('check --board-mpy takes the names inspect lists (rp2040, "Pico 2"), and says which it knows', async () => {
    const byName = await runCli(['check', '--board-mpy', 'rp2040', '--json', join(FILES_DIR, 'shapes.bytecode.v1.27.0.mpy')]);
    expect(byName.code, byName.stderr).toBe(0);
    const byNumber = await runCli(['check', '--board-mpy', '4870', '--json', join(FILES_DIR, 'shapes.bytecode.v1.27.0.mpy')]);
    expect(JSON.parse(byName.stdout)).toEqual(JSON.parse(byNumber.stdout));
    const people = await runCli(['check', '--board-mpy', 'Pico 2', join(FILES_DIR, 'shapes.bytecode.v1.27.0.mpy')]);
    expect(people.stdout).toMatch(/load on RP2350 ARM \(Raspberry Pi Pico 2\), _mpy 7942/);
    const unknown = await runCli(['check', '--board-mpy', 'esp33', FILES_DIR]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/'esp33' is not a number .* or a known board \(esp32, esp32c3, .*rp2040/);
  });

  it('check of a .py says it is source and names the command that checks it; never "ship main.py.py"', async () => {
    const result = await runCli(['check', '--board-mpy', 'rp2040', join(ROOT, 'test/fixtures/sync-project/main.py')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/main\.py is Python source, not an \.mpy: .*mpysync plan/);
    expect(result.stderr + result.stdout).not.toMatch(/\.py\.py/);
  });

  it('inspect of a folder without .mpy files exits 2 with the reason, as check does', async () => {
    const result = await runCli(['inspect', join(ROOT, 'test/fixtures/sync-project/app')]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/no \.mpy files found in .*sync-project\/app/);
  });
});
