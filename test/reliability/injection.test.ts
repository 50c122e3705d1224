/**
 * File names and contents mpysync did not choose end up inside Python source run on the board.
 * A project full of hostile names is synced to the virtual board (real MicroPython 1.27) into
 * /app: every file arrives under exactly its name or is refused with a reason, nothing in a name
 * or a content runs, main.py at the board's root is untouched, and nothing lands outside /app.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { planSync, type LocalFile } from '../../protocol/plan/plan.ts';
import { startVirtualBoard, type VirtualBoardProcess } from '../helpers/boards.ts';
import { runCli, writeProject } from '../helpers/hostile.ts';
import { fakeProbe } from '../helpers/probes.ts';

const ORIGINAL_MAIN = "print('original main')\n";
const INJECTION_NAME = "a'); import os; os.remove('main.py'); ('.py";
/** Every byte value, then text that would end a literal and run code if it were pasted raw. */
const PAYLOAD = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from("\x04\x03\x01''')\nimport os; os.remove('main.py')#\r\n\x04>"),
]);

/** Names that must arrive exactly as they are. */
const ARRIVING = ["it's.py", 'say "hi".py', 'back\\slash.py', 'with space.py', 'café ünï 日本 🐍.py', INJECTION_NAME, '-rf.py', 'payload.txt'];
/** Names the planner refuses: control characters (the raw REPL's \x04, a newline, a tab). */
const CONTROL = ['ctrl\x04d.py', 'new\nline.py', 'tab\tname.py'];

interface JsonBoard {
  completed: boolean;
  error: string | null;
  uploaded: string[];
  refused: Array<{ file: string; firmwareError: string | null; summary: string }>;
}

describe('hostile names and contents, synced to the virtual board with --dest /app', () => {
  let board: VirtualBoardProcess;
  let project: string;
  let report: JsonBoard;
  let syncCode: number | null;

  const cli = async (...args: string[]) => {
    const run = await runCli([...args, '--port', board.port]);
    expect(run.code, `mpysync ${args.join(' ')}: ${run.stderr}`).toBe(0);
    return run.stdout;
  };
  const ls = async (path: string) => JSON.parse((await cli('ls', path, '--json')).toString()) as Array<{ name: string; kind: string; size: number }>;

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'mpysync-inject-'));
    const files: Record<string, string | Uint8Array> = {};
    for (const name of [...ARRIVING, ...CONTROL]) files[name] = `# ${JSON.stringify(name)}\nNAME = ${JSON.stringify(name)}\n`;
    files['payload.txt'] = PAYLOAD;
    files["sub dir/it's here.py"] = 'x = 1\n';
    writeProject(project, files);
    const outside = mkdtempSync(join(tmpdir(), 'mpysync-outside-'));
    writeProject(outside, { 'secret.py': 'SECRET = 1\n' });
    symlinkSync(join(outside, 'secret.py'), join(project, 'escape.py'));
    symlinkSync(outside, join(project, 'outside'));
    symlinkSync('/etc', join(project, 'etc'));
    symlinkSync('with space.py', join(project, 'alias.py')); // inside the folder: allowed
    mkdirSync(join(project, 'empty folder'));

    board = await startVirtualBoard();
    await cli('exec', `f=open('main.py','w');f.write(${JSON.stringify(ORIGINAL_MAIN)});f.close()`);
    const run = await runCli(['sync', project, '--port', board.port, '--dest', '/app', '--json']);
    syncCode = run.code;
    report = (JSON.parse(run.stdout.toString()) as { boards: JsonBoard[] }).boards[0]!;
  });
  afterAll(async () => {
    await board?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  test('the sync went through: exit code 1 only because some files were refused', () => {
    expect(report.error).toBeNull();
    expect(report.completed).toBe(true);
    expect(syncCode).toBe(1);
    expect(new Set(report.uploaded)).toEqual(new Set([...ARRIVING, 'alias.py', "sub dir/it's here.py"]));
  });

  test('every name arrives exactly as it is (listed back with mpysync ls --json)', async () => {
    const app = await ls('/app');
    expect(new Set(app.map((e) => e.name))).toEqual(new Set([...ARRIVING, 'alias.py', 'sub dir']));
    const sub = await ls('/app/sub dir');
    expect(sub.map((e) => e.name)).toEqual(["it's here.py"]);
  });

  test('contents arrive byte for byte, hostile bytes included', async () => {
    expect(Buffer.compare(await cli('cat', '/app/payload.txt'), PAYLOAD)).toBe(0);
    expect((await cli('cat', `/app/${INJECTION_NAME}`)).toString()).toContain(`NAME = ${JSON.stringify(INJECTION_NAME)}`);
  });

  test('names with control characters are refused by the planner, with the reason', () => {
    for (const name of CONTROL) {
      const refusal = report.refused.find((r) => r.file === name);
      expect(refusal, name).toBeDefined();
      expect(refusal!.summary).toMatch(/its name contains a control character .*rename it/);
    }
  });

  test('links pointing outside the source folder are refused, naming the link and the target', () => {
    for (const link of ['escape.py', 'outside', 'etc']) {
      const refusal = report.refused.find((r) => r.file === link);
      expect(refusal, link).toBeDefined();
      expect(refusal!.summary).toMatch(new RegExp(`^${link}: a link to /.*, outside the source folder; mpysync only sends what is inside it$`));
    }
  });

  test('main.py at the root is untouched and nothing was written outside /app', async () => {
    expect((await cli('cat', 'main.py')).toString()).toBe(ORIGINAL_MAIN);
    const root = await ls('/');
    expect(root.map((e) => e.name).sort()).toEqual(['app', 'main.py']);
  });

  test('a second sync finds every file unchanged: names round-trip through the board index too', async () => {
    const run = await runCli(['sync', project, '--port', board.port, '--dest', '/app', '--json']);
    const again = (JSON.parse(run.stdout.toString()) as { boards: Array<JsonBoard & { skipped: string[] }> }).boards[0]!;
    expect(again.uploaded).toEqual([]);
    expect(new Set(again.skipped)).toEqual(new Set([...ARRIVING, 'alias.py', "sub dir/it's here.py"]));
  });
});

describe('paths that leave the source folder never reach the board (planner)', () => {
  const file = (relative: string): LocalFile => ({ relative, bytes: new TextEncoder().encode('x = 1\n') });
  const index = { algo: 'sha256' as const, files: [], dirs: [] };

  test.each(['../evil.py', 'lib/../../evil.py', '/etc/evil.py', './x.py', 'lib//x.py', '..'])('%s is refused with a reason', (relative) => {
    const plan = planSync({ local: [file(relative), file('ok.py')], board: fakeProbe(4870), index, dest: '/app' });
    const entry = plan.entries.find((e) => e.action !== 'delete' && e.file === relative);
    expect(entry?.action).toBe('refuse');
    expect(entry?.action === 'refuse' && entry.summary).toMatch(/absolute path|"\.\.", "\." or empty part/);
    expect(plan.entries.find((e) => e.action === 'upload')).toMatchObject({ file: 'ok.py', remote: '/app/ok.py' });
    expect(plan.mkdirs).toEqual(['/app']);
  });
});
