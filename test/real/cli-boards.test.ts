import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange, startMicrobit, startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';

describe('mpysync probe / exec / ls / cat / rm on the virtual board (MicroPython 1.27 WebAssembly behind a pty)', () => {
  let board: BoardProcess;
  beforeAll(async () => {
    board = await startVirtualBoard();
  });
  afterAll(async () => board?.stop());

  it('probe decodes _mpy 774 as .mpy 6.3 with no native arch, MicroPython 1.27.0', async () => {
    const { result, json } = await runCliJson(['probe', '--port', board.port]);
    expect(result.code).toBe(0);
    expect(json.implementation).toMatchObject({ name: 'micropython', version: '1.27.0', machine: 'JS with Emscripten' });
    expect(json.platform).toBe('webassembly');
    expect(json.mpy).toMatchObject({ raw: 774, version: 6, subVersion: 3, arch: 'none', archFlags: 0, releases: '1.23 and later' });
    expect(json.smallIntBits).toBe(31);
    expect(json.features).toMatchObject({ hashlib: true, binascii: true, deflate: true, rawPaste: true });
    expect(json.fs.free).toBeGreaterThan(0);
  });

  it('exec prints stdout, and a Python error gives its traceback and exit code 1', async () => {
    const ok = await runCli(['exec', 'print(6*7)', '--port', board.port]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout.trim()).toBe('42');
    const bad = await runCli(['exec', '1/0', '--port', board.port]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/ZeroDivisionError/);
  });

  it('ls, cat and rm see what exec wrote, byte for byte', async () => {
    await runCli(['exec', "f=open('blob.bin','wb');f.write(bytes(range(256)));f.close()", '--port', board.port]);
    const { json } = await runCliJson(['ls', '--port', board.port]);
    expect(json).toContainEqual({ name: 'blob.bin', kind: 'file', size: 256 });
    const cat = await runCli(['cat', 'blob.bin', '--port', board.port]);
    expect(Buffer.from(cat.stdout, 'latin1').length).toBeGreaterThan(0);
    const rm = await runCli(['rm', 'blob.bin', '--port', board.port]);
    expect(rm.code).toBe(0);
    const after = await runCliJson(['ls', '--port', board.port]);
    expect(after.json.find((e: { name: string }) => e.name === 'blob.bin')).toBeUndefined();
  });

  it('--json on exec, cat and rm: what was printed, the file (text, or base64 when not UTF-8), what was removed', async () => {
    const exec = await runCliJson([
      'exec',
      "print('hé');f=open('b.bin','wb');f.write(bytes([0,255]));f.close();open('t.txt','w').write('hi')",
      '--port',
      board.port,
    ]);
    expect(exec.json).toMatchObject({ stdout: 'hé\r\n', error: null });
    const failing = await runCliJson(['exec', '1/0', '--port', board.port]);
    expect(failing.result.code).toBe(1);
    expect(failing.json.error).toMatch(/ZeroDivisionError/);
    expect((await runCliJson(['cat', 't.txt', '--port', board.port])).json).toEqual({ path: 't.txt', size: 2, text: 'hi' });
    expect((await runCliJson(['cat', 'b.bin', '--port', board.port])).json).toEqual({ path: 'b.bin', size: 2, base64: 'AP8=' });
    const rm = await runCliJson(['rm', 'b.bin', '--port', board.port]);
    expect(rm).toMatchObject({ result: { code: 0 }, json: { path: 'b.bin', removed: true, error: null } });
    const again = await runCliJson(['rm', 'b.bin', '--port', board.port]);
    expect(again).toMatchObject({ result: { code: 1 }, json: { path: 'b.bin', error: 'no such file or folder on the board: b.bin', errno: 'ENOENT' } });
  });

  it("the board's file errors in words, with the path, exit 1 for every command (ls, cat, rm), and in the JSON", async () => {
    await runCli(['exec', "import os\ntry:\n os.mkdir('words')\nexcept OSError:\n pass\nopen('words/a.py','w').write('x')", '--port', board.port]);
    const said = async (args: string[]) => {
      const r = await runCli([...args, '--port', board.port]);
      return { code: r.code, said: r.stderr.trim() };
    };
    expect(await said(['ls', '/nope'])).toEqual({ code: 1, said: 'mpysync: no such file or folder on the board: /nope' });
    expect(await said(['cat', 'nope.py'])).toEqual({ code: 1, said: 'mpysync: no such file or folder on the board: nope.py' });
    expect(await said(['rm', 'nope.py'])).toEqual({ code: 1, said: 'mpysync: no such file or folder on the board: nope.py' });
    expect(await said(['cat', 'words'])).toEqual({ code: 1, said: 'mpysync: words is a folder, not a file' });
    expect(await said(['rm', 'words'])).toEqual({ code: 1, said: 'mpysync: words is a folder: use rm -r to remove it and what it holds' });
    expect(await said(['ls', 'words/a.py'])).toEqual({ code: 1, said: 'mpysync: words/a.py is a file, not a folder' });
    const json = await runCliJson(['rm', 'words', '--port', board.port]);
    expect(json).toMatchObject({ result: { code: 1 }, json: { path: 'words', errno: 'EISDIR' } });
    expect((await runCliJson(['rm', '-r', 'words', '--port', board.port])).json).toEqual({ path: 'words', removed: true, error: null });
  });

  it('destroying many files asks first; where nobody can answer (a script) it refuses without --yes, and nothing is lost', async () => {
    const make = "import os\ntry:\n os.mkdir('many')\nexcept OSError:\n pass\nfor i in range(8):\n open('many/f%d.py' % i,'w').write('x')";
    await runCli(['exec', make, '--port', board.port]);
    const refused = await runCli(['rm', '-r', 'many', '--port', board.port]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe('mpysync: rm -r many would remove a folder: 8 files: nothing was removed; add --yes to do it');
    expect((await runCliJson<any[]>(['ls', 'many', '--port', board.port])).json).toHaveLength(8);
    const few = await runCli(['rm', '-r', 'many/f0.py', '--port', board.port]);
    expect(few.code).toBe(0);
    expect((await runCli(['rm', '-r', 'many', '--yes', '--port', board.port])).code).toBe(0);
    expect((await runCli(['ls', 'many', '--port', board.port])).stderr).toMatch(/no such file or folder on the board: many/);

    // sync --delete of more than a few files: the same rule.
    await runCli(['exec', "for i in range(7):\n open('stale%d.py' % i,'w').write('x')", '--port', board.port]);
    const sync = await runCli(['sync', 'test/fixtures/flat-project', '--delete', '--port', board.port]);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toMatch(
      /sync --delete would remove files the project does not have from .*: \d+ files \(.*\): nothing was removed; add --yes to do it/,
    );
    expect((await runCliJson<any[]>(['ls', '--port', board.port])).json.map((e: { name: string }) => e.name)).toContain('stale0.py');
    const agreed = await runCliJson<{ boards: any[] }>(['sync', 'test/fixtures/flat-project', '--delete', '--yes', '--port', board.port]);
    expect(agreed.json.boards[0].deleted).toEqual(expect.arrayContaining(['stale0.py', 'stale6.py']));

    // Everything: the board's top folder stays, empty, and the board works on.
    expect((await runCli(['rm', '-r', '/', '--yes', '--port', board.port])).code).toBe(0);
    expect((await runCliJson<any[]>(['ls', '/', '--port', board.port])).json).toEqual([]);
    expect((await runCli(['exec', 'print(1+1)', '--port', board.port])).stdout.trim()).toBe('2');
  });

  it('--delete removes the folders it empties too, deepest first, and never one outside the destination', async () => {
    const make = [
      'import os',
      "for d in ('app', 'app/old', 'app/old/sub', 'app/kept', 'other'):",
      ' try:',
      '  os.mkdir(d)',
      ' except OSError:',
      '  pass',
      "for f in ('app/old/a.py', 'app/old/sub/b.py', 'app/kept/mine.txt', 'other/o.py'):",
      " open(f, 'w').write('x')",
    ].join('\n');
    expect((await runCli(['exec', make, '--port', board.port])).code).toBe(0);
    // Three files go: under the rule's limit of five, so no --yes is needed.
    const { json } = await runCliJson<{ boards: any[] }>(['sync', 'test/fixtures/flat-project', '--dest', '/app', '--delete', '--port', board.port]);
    expect([...json.boards[0].deleted].sort()).toEqual(
      ['/app/kept/mine.txt', '/app/kept/', '/app/old/', '/app/old/a.py', '/app/old/sub/', '/app/old/sub/b.py'].sort(),
    );
    const app = (await runCliJson<any[]>(['ls', '/app', '--port', board.port])).json.map((e: { name: string }) => e.name);
    expect(app).toEqual(['greet.mpy', 'hello.py']);
    expect((await runCliJson<any[]>(['ls', '/other', '--port', board.port])).json).toEqual([{ name: 'o.py', kind: 'file', size: 1 }]);
  });

  it('a port named twice is synced once (a second connection would find it busy), and said so', async () => {
    const { result, json } = await runCliJson(['plan', 'test/fixtures/flat-project', '--port', board.port, '--port', board.port]);
    expect(result.stderr).toMatch(/a port was named more than once; each board is synced once/);
    expect(json.boards).toHaveLength(1);
    // One meaning of success: the exit code follows the status, and there is no second "ok" to contradict it.
    expect(json.boards[0]).not.toHaveProperty('ok');
    expect(result.code).toBe(json.boards[0].status === 'ok' ? 0 : 1);
  });
});

describe('the same commands on the BBC micro:bit (MicroPython 1.9.2 in qemu: no _mpy, no raw-paste, flat file system)', () => {
  let microbit: BoardProcess;
  beforeAll(async () => {
    microbit = await startMicrobit();
  });
  afterAll(async () => microbit?.stop());

  it('probe reports 1.9.2, no _mpy, raw-paste absent, and the engine still runs code', async () => {
    const { result, json } = await runCliJson(['probe', '--port', microbit.port], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(json.implementation.version).toBe('1.9.2');
    expect(json.platform).toBe('microbit');
    expect(json.mpy).toBeNull();
    expect(json.features.rawPaste).toBe(false);
    expect(json.features.hashlib).toBe(false);
    expect(json.fs.dirs).toBe(false);
    expect(json.smallIntBits).toBe(31);
  });

  it('exec and ls work through the plain raw REPL fallback', async () => {
    const exec = await runCli(['exec', "f=open('note.txt','w');f.write('hi');f.close();print(2+2)", '--port', microbit.port]);
    expect(exec.stdout.trim()).toBe('4');
    const { json } = await runCliJson(['ls', '--port', microbit.port]);
    expect(json).toContainEqual({ name: 'note.txt', kind: 'file', size: 2 });
  });

  it('file errors in words on its flat file system: ls of a folder says there are none, a missing file is missing', async () => {
    const ls = await runCli(['ls', '/nope', '--port', microbit.port], { timeoutMs: 60_000 });
    expect(ls).toMatchObject({ code: 1, stdout: '' });
    expect(ls.stderr.trim()).toBe("mpysync: this board's file system has no folders: `ls` with no path lists its files (asked for /nope)");
    const cat = await runCli(['cat', 'nope.py', '--port', microbit.port], { timeoutMs: 60_000 });
    expect(cat).toMatchObject({ code: 1 });
    expect(cat.stderr.trim()).toBe('mpysync: no such file or folder on the board: nope.py');
  });

  it('--dest with a folder on its flat file system is refused in the plan, and nothing is written', async () => {
    const { result, json } = await runCliJson<{ boards: any[] }>(['sync', 'test/fixtures/flat-project', '--dest', '/lib', '--port', microbit.port], {
      timeoutMs: 90_000,
    });
    expect(json.boards[0]).toMatchObject({ status: 'failed', uploaded: [], error: expect.stringMatching(/has no folders .*--dest \/lib cannot be made/) });
    expect(result.code).toBe(1);
    const { json: files } = await runCliJson<Array<{ name: string }>>(['ls', '--port', microbit.port], { timeoutMs: 60_000 });
    expect(files.map((f) => f.name).filter((n) => n.includes('/'))).toEqual([]);
  });

  it('exec --timeout interrupts code still running after that long (Ctrl-C), says so, and the board answers the next command', async () => {
    const loop = await runCli(['exec', 'while True:\n pass', '--timeout', '2', '--port', microbit.port], { timeoutMs: 30_000 });
    expect(loop.code).toBe(1);
    expect(loop.stderr).toMatch(/^stopped after 2 s \(exec --timeout 2\): the board was sent Ctrl-C\n[\s\S]*KeyboardInterrupt/);
    expect(loop.ms).toBeLessThan(12_000);
    const next = await runCli(['exec', 'print(6 * 7)', '--port', microbit.port], { timeoutMs: 30_000 });
    expect(next.stdout.trim()).toBe('42');
  });

  it('gets in while a program runs `while True: pass`', async () => {
    // Leave the board busy: start an endless loop in the raw REPL and walk away.
    await rawExchange(microbit.port, '\r\x03\r\x01', 'raw REPL; CTRL-B to exit\r\n>', 10_000);
    await rawExchange(microbit.port, 'while True:\n pass\n\x04', 'OK', 10_000);
    const next = await runCli(['exec', 'print("back")', '--port', microbit.port], { timeoutMs: 30_000 });
    expect(next.stdout.trim()).toBe('back');
    expect(next.code).toBe(0);
  });
});
