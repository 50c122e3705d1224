/**
 * Start-up loads only what a command needs (docs/benchmark.md has the times): every module the
 * built CLI resolves is traced by a module hook, and the heavy packages must be missing from
 * commands that do not use them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.ts';
import { FILES_DIR } from './mpy-fixtures.ts';

const HOOKS = pathToFileURL(fileURLToPath(new URL('../helpers/load-trace-hooks.mjs', import.meta.url))).href;
const REGISTER = `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(HOOKS)});`;
const work = mkdtempSync(join(tmpdir(), 'mpysync-trace-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The packages (node_modules/<name>) a run of `mpysync ...args` loaded. */
async function packagesLoaded(args: string[], options: { untilFirstLine?: boolean } = {}): Promise<Set<string>> {
  const trace = join(work, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const child = spawn(process.execPath, ['--import', REGISTER, CLI, ...args], {
    env: { ...process.env, MPYSYNC_LOAD_TRACE: trace },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  // A server (virtual) runs until stopped: stop it once it has said it is ready.
  if (options.untilFirstLine) child.stdout.on('data', (chunk: Buffer) => chunk.includes(0x0a) && child.kill('SIGTERM'));
  else child.stdout.resume();
  await new Promise((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  const urls = readFileSync(trace, 'utf8').trim().split('\n');
  return new Set(urls.flatMap((url) => url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1] ?? []));
}

const SERIAL = 'serialport';
const WASM_BOARD = '@micropython/micropython-webassembly-pyscript';
const COMPILER = '@pybricks/mpy-cross-v6';
const BARS = 'cli-progress';

describe('start-up loads only what the command needs', () => {
  it('--version and --help: commander alone', async () => {
    expect([...(await packagesLoaded(['--version']))]).toEqual(['commander']);
    expect([...(await packagesLoaded(['--help']))]).toEqual(['commander']);
  });

  it('check and inspect: no serial ports, no WebAssembly board, no compiler, no progress bars', async () => {
    for (const args of [
      ['check', '--board-mpy', 'rp2040', FILES_DIR],
      ['inspect', join(FILES_DIR, 'shapes.bytecode.v1.27.0.mpy')],
    ]) {
      const loaded = await packagesLoaded(args);
      expect(loaded.has('commander'), args[0]).toBe(true);
      for (const heavy of [SERIAL, WASM_BOARD, COMPILER, BARS]) expect(loaded.has(heavy), `${args[0]} loaded ${heavy}`).toBe(false);
    }
  });

  it('sync --json to a port: serialport, and no progress bars, no WebAssembly board in this process', async () => {
    const loaded = await packagesLoaded(['sync', join(FILES_DIR, '..'), '--port', '/dev/mpysync-no-such-port', '--json']);
    expect(loaded.has(SERIAL)).toBe(true);
    expect(loaded.has(BARS)).toBe(false);
    expect(loaded.has(WASM_BOARD)).toBe(false);
  });

  it('virtual: the WebAssembly board is loaded when a board is started (the trace sees it)', async () => {
    const loaded = await packagesLoaded(['virtual', '--json'], { untilFirstLine: true });
    expect(loaded.has(WASM_BOARD)).toBe(true);
    expect(loaded.has(SERIAL)).toBe(false);
  });
});
