/**
 * The README's "Use it" commands, run as written from the clone, in order. Where a command talks
 * to a board and names none (`--port auto`), it gets a virtual board's port, as `auto` would pick
 * the one board plugged in; named ports (/dev/ttyACM0…) become virtual boards of their own.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';
import { runCli } from '../helpers/cli.ts';
import { mpysyncCommands, readmeBlocks } from '../helpers/readme.ts';

const BOARD_COMMANDS = new Set(['probe', 'plan', 'sync', 'exec', 'ls', 'cat', 'rm']);
/** Interactive or endless: checked to exist, not run (watch runs in test/real/watch.test.ts). */
const LONG_RUNNING = new Set(['repl', 'virtual', 'watch']);
const USAGE_ERROR = /error: (unknown|missing|too many|option)|unknown command|is not a number|no \.mpy files/i;

describe("the README's command examples run as written", () => {
  const commands = mpysyncCommands(readmeBlocks('Use it', 'sh')[0] ?? '');
  const boards = new Map<string, BoardProcess>();
  const boardFor = async (name: string) => {
    if (!boards.has(name)) boards.set(name, await startVirtualBoard());
    return boards.get(name)!.port;
  };
  beforeAll(async () => {
    await boardFor('auto');
  });
  // The class examples (several --port, --all) keep a roster in the example project: not left in the clone.
  const roster = 'test/fixtures/sync-project/mpysync-roster.json';
  const rosterBefore = existsSync(roster);
  afterAll(async () => {
    if (!rosterBefore) rmSync(roster, { force: true });
    await Promise.all([...boards.values()].map((b) => b.stop()));
  });

  it('the "Use it" block has the commands the README promises', () => {
    expect(commands.map((c) => c[0])).toEqual(
      expect.arrayContaining(['check', 'inspect', 'ports', 'probe', 'plan', 'sync', 'watch', 'exec', 'ls', 'cat', 'rm', 'repl', 'virtual']),
    );
  });

  it('each command does its job: exit 0, or 1 where the example project has a refused file; never a usage error', async () => {
    const outcomes: string[] = [];
    for (const words of commands) {
      const [name] = words;
      if (LONG_RUNNING.has(name!)) {
        const help = await runCli([name!, '--help']);
        expect(help.code, `${name} --help`).toBe(0);
        continue;
      }
      const args = [...words];
      if (BOARD_COMMANDS.has(name!)) {
        for (let i = 0; i < args.length; i++) if (args[i] === '--port') args[i + 1] = await boardFor(args[i + 1]!);
        if (!args.includes('--port') && !args.includes('--all')) args.push('--port', await boardFor('auto'));
      }
      const result = await runCli(args, { timeoutMs: 90_000 });
      const shown = `mpysync ${words.join(' ')} → ${result.code}\n${result.stdout.slice(-600)}${result.stderr.slice(-600)}`;
      outcomes.push(shown);
      expect(result.stderr, shown).not.toMatch(USAGE_ERROR);
      if (args.includes('--all')) {
        // No serial board on a CI machine: the one outcome that may not be 0 or 1, and it must say why.
        expect(result.stderr, shown).toMatch(/--all found no MicroPython-looking port/);
        continue;
      }
      expect([0, 1], shown).toContain(result.code);
      if (name === 'sync' || name === 'check') expect(result.code === 0 || /refused|load/.test(result.stdout), shown).toBe(true);
    }
    // The examples build on each other: what sync sent, cat and rm find.
    expect(outcomes.find((o) => o.startsWith('mpysync cat main.py'))).toMatch(/→ 0/);
    expect(outcomes.find((o) => o.startsWith('mpysync rm '))).toMatch(/→ 0/);
  });
});
