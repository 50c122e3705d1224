/**
 * The built page in Debian Chromium with the in-page virtual board (MicroPython 1.27 WebAssembly):
 * connect, choose a folder, read the plan and its explained refusal, sync, and prove on the board —
 * through the page's own connection — that every planned module imports and the refused one is absent.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { buildPage, launchChromium, runPython as runPythonOnCard, showPageAtFailure, type TestBrowser } from '../helpers/browser.ts';
import { buildIndex, corpusFile } from '../helpers/mip-index.ts';
import { runCliJson } from '../helpers/cli.ts';
import { projectDir } from '../helpers/project-dir.ts';
import { serveStatic, type StaticServer } from '../helpers/static-server.ts';

const PROJECT = resolve('test/fixtures/web-project');
const ARTIFACTS = resolve('test-artifacts');
const STEP_MS = 30_000;

let dist: string;
let server: StaticServer;
let browser: TestBrowser;
const pageErrors: string[] = [];
/** Every request the page made that failed (a missing favicon.ico was one). */
const failedRequests: string[] = [];

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'mpysync-dist-'));
  await buildPage(dist);
  server = await serveStatic(dist);
  browser = await launchChromium({ permissions: ['clipboard-read', 'clipboard-write'] });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

function card(page: Page, label: string): Locator {
  return page.locator(`article[aria-label="Board: ${label}"]`);
}

const runPython = (board: Locator, code: string) => runPythonOnCard(board, code, STEP_MS);

/** With several boards, the overview's Show button puts that board's card under it. */
async function showBoard(page: Page, name: string, label = name): Promise<void> {
  await page.locator(`mps-board-overview tr[data-board="${name}"]`).getByRole('button', { name: 'Show' }).click();
  await card(page, label).waitFor({ timeout: STEP_MS });
}

/** A new page with an in-page virtual board and a project of `files` chosen (a folder made for the test). */
async function virtualBoardWith(files: Record<string, string>): Promise<{ page: Page; board: Locator; project: string }> {
  const project = projectDir(files, 'mpysync-web-');
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('response', (response) => response.status() >= 400 && failedRequests.push(`${response.status()} ${response.url()}`));
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Virtual board' }).click();
  const board = card(page, 'Virtual board 1');
  await board.locator('[data-fact=abi]').waitFor({ timeout: STEP_MS });
  await page.locator('#folder-input').setInputFiles(project);
  return { page, board, project };
}

test('virtual board: connect, plan with an explained refusal, sync, and import every planned module', async () => {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  onTestFailed(async () => {
    await showPageAtFailure(page, join(ARTIFACTS, 'web-virtual-failure.png'));
  });
  await page.goto(server.url);

  await page.getByRole('button', { name: 'Virtual board' }).click();
  const first = card(page, 'Virtual board 1');
  await expect.poll(() => first.locator('[data-fact=abi]').textContent(), { timeout: STEP_MS }).toBe('.mpy 6.3 · bytecode only');
  expect(await first.locator('[data-fact=firmware]').textContent()).toBe('MicroPython 1.27.0');
  expect(await first.locator('[data-fact=machine]').textContent()).toBe('JS with Emscripten');
  expect(await first.locator('[data-connection]').getAttribute('data-connection')).toBe('connected');

  await page.locator('#folder-input').setInputFiles(PROJECT);
  const refusal = first.locator('tr[data-file="fastmath.mpy"]');
  await refusal.waitFor({ timeout: STEP_MS });
  expect(await refusal.getAttribute('data-action')).toBe('refuse');
  const why = (await refusal.locator('td.detail').textContent())!;
  expect(why).toContain('its firmware was built without a native code emitter, so it only loads bytecode');
  expect(why).toContain('native code in .mpy unsupported');
  const substitute = first.locator('tr[data-file="shapes.mpy"]');
  expect(await substitute.getAttribute('data-action')).toBe('substitute');
  expect(await substitute.locator('td.detail').textContent()).toContain('shapes.py is sent instead');
  for (const file of ['hello.py', 'greet.mpy', 'shapes.py', 'sensors/__init__.py', 'sensors/thermo.py']) {
    expect(await first.locator(`tr[data-file="${file}"]`).getAttribute('data-action'), file).toBe('upload');
  }
  expect(await first.locator('tr[data-file^="__pycache__"]').count()).toBe(0);
  expect(await page.locator('mps-folder-panel').getByText('Left out:').textContent()).toBe('Left out: __pycache__/');

  await first.getByRole('button', { name: 'Sync this board' }).click();
  const result = first.locator('[data-result]');
  await result.waitFor({ timeout: STEP_MS });
  // fastmath.mpy was refused: the sync arrived, with a problem (the CLI's status, too).
  expect(await result.getAttribute('data-result')).toBe('problems');
  expect(await result.textContent()).toMatch(/6 uploaded · 0 skipped · 1 refused · 1 substituted/);
  expect(await first.locator('tr[data-file="greet.mpy"] td.status').textContent()).toBe('sent ✓');

  const refused = await runPython(first, 'import fastmath');
  expect(refused).toMatch(/ImportError: no module named 'fastmath'/);
  const out = await runPython(
    first,
    "import hello, greet, shapes, sensors.thermo; print(hello.hello('web'), greet.greet('web'), shapes.Rect(2, 3).area(), sensors.thermo.celsius_to_fahrenheit(100))",
  );
  expect(out).toContain('hello from the web page, web! hello from greet, web! 6 212.0');

  await page.getByRole('heading', { name: 'mpysync' }).click();
  await page.screenshot({ path: join(ARTIFACTS, 'web-virtual-one-board-desktop.png'), fullPage: true });

  // A second board, connected from the keyboard: planned as soon as it connects; "Sync all" serves both.
  await page.getByRole('button', { name: 'Virtual board' }).focus();
  await page.keyboard.press('Enter');
  const second = card(page, 'Virtual board 2');
  await second.locator('tr[data-file="fastmath.mpy"][data-action="refuse"]').waitFor({ timeout: STEP_MS });
  await page.getByRole('button', { name: 'Sync all boards (2)' }).click();
  await expect.poll(() => second.locator('[data-result]').getAttribute('data-result'), { timeout: STEP_MS }).toBe('problems');
  // Two boards: an overview row each, and the card of the one chosen (the one just connected) under it.
  await expect
    .poll(() => page.locator('[data-overview-result]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-overview-result'))), {
      timeout: STEP_MS,
    })
    .toEqual(['problems', 'problems']);
  expect(await first.count()).toBe(0);
  expect(await second.locator('[data-result]').textContent()).toMatch(/6 uploaded/);
  expect(await runPython(second, 'import greet; print(greet.shout("both"))')).toContain('HELLO FROM GREET, BOTH!');
  await showBoard(page, 'Virtual board 1');
  expect(await first.locator('[data-result]').textContent()).toMatch(/0 uploaded · 6 skipped/);
  // Two MicroPython instances in one page, each with its own files and its own link.
  expect(await runPython(first, "open('only-on-1.txt', 'w').write('1'); import os; print(sorted(os.listdir()))")).toContain("'only-on-1.txt'");
  await showBoard(page, 'Virtual board 2');
  expect(await runPython(second, 'import os; print(sorted(os.listdir()))')).not.toContain('only-on-1.txt');

  await page.getByRole('button', { name: 'Copy log' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), { timeout: STEP_MS }).toContain('refused fastmath.mpy');

  await page.screenshot({ path: join(ARTIFACTS, 'web-virtual-desktop.png'), fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.screenshot({ path: join(ARTIFACTS, 'web-virtual-phone.png'), fullPage: true });
  expect(overflow, 'the page scrolls sideways at phone width').toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(17, 21, 27)');
  await page.screenshot({ path: join(ARTIFACTS, 'web-virtual-dark-desktop.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
});

test("a syntax error: the page's own compiler finds it in the plan, the board's compiler gives its line, the result says problems; Run main.py shows what it prints", async () => {
  const { board, project } = await virtualBoardWith({ 'main.py': 'print("hi")\n', 'util.py': 'def add(a, b)\n    return a + b\n' });
  const row = board.locator('tr[data-file="util.py"][data-problem="yes"]');
  await row.waitFor({ timeout: STEP_MS });
  // MicroPython 1.19's compiler on the host says line 2; MicroPython 1.27 on the board says line 1.
  expect(await row.locator('td.detail').textContent()).toContain('util.py:1: SyntaxError: invalid syntax');
  expect(await board.locator('tr[data-file="main.py"]').getAttribute('data-problem')).toBe('no');
  await board.getByRole('button', { name: 'Sync this board' }).click();
  const result = board.locator('[data-result]');
  await result.waitFor({ timeout: STEP_MS });
  expect(await result.getAttribute('data-result')).toBe('problems');
  expect(await result.textContent()).toContain('util.py:1: SyntaxError');
  // Run main.py: the board restarts as on power-up and what main.py prints is shown.
  await board.getByRole('button', { name: 'Run main.py' }).click();
  const output = board.locator('pre.output');
  await expect.poll(async () => (await output.textContent()) ?? '', { timeout: STEP_MS }).toMatch(/main\.py, after a soft reset[\s\S]*hi/);
  expect(pageErrors).toEqual([]);
  rmSync(project, { recursive: true, force: true });
});

test('the compile switch: modules planned and sent as .mpy compiled in the page, main.py as source, and main.py runs', async () => {
  const { page, board, project } = await virtualBoardWith({
    'main.py': 'import helper\nprint("compiled says", helper.twice(21))\n',
    'helper.py': '# a helper\ndef twice(x):\n    return 2 * x\n',
  });
  await board.locator('tr[data-file="helper.py"]').waitFor({ timeout: STEP_MS });
  await page.getByLabel('Send modules as compiled .mpy').check();
  const compiled = board.locator('tr[data-file="helper.mpy"]');
  await compiled.waitFor({ timeout: STEP_MS });
  expect(await compiled.textContent()).toContain('compiled from helper.py');
  expect(await board.locator('tr[data-file="main.py"]').textContent()).toContain('upload');
  await board.getByRole('button', { name: 'Sync this board' }).click();
  await board.locator('[data-result]').waitFor({ timeout: STEP_MS });
  expect(await board.locator('[data-result]').getAttribute('data-result')).toBe('ok');
  await board.getByRole('button', { name: 'Run main.py' }).click();
  const output = board.locator('pre.output');
  await expect.poll(async () => (await output.textContent()) ?? '', { timeout: STEP_MS }).toMatch(/compiled says 42/);
  const listing = await runPython(board, 'import os; print(sorted(os.listdir()))');
  expect(listing).toContain("['helper.mpy', 'main.py']");
  // Sizes in the units they are named by: the virtual board's 2,048,000,000 bytes are 2.0 GB.
  expect(await board.locator('[data-fact=free]').textContent()).toMatch(/^2\.0 GB of 4\.1 GB$/);
  expect(failedRequests).toEqual([]);
  expect(pageErrors).toEqual([]);
  rmSync(project, { recursive: true, force: true });
});

test('student code cannot freeze the page: Stop ends while True: pass within 2 s, input() fails at once, Reset keeps the files', async () => {
  const { page, board } = await virtualBoardWith({ 'main.py': 'print(1)\n' });
  onTestFailed(async () => {
    await showPageAtFailure(page, join(ARTIFACTS, 'web-virtual-stuck-failure.png'));
  });
  await runPython(board, "open('kept.txt', 'w').write('still here')");
  const output = board.locator('pre.output');
  const input = board.getByLabel('Run Python on this board');

  for (const button of ['Stop', 'Reset']) {
    await input.fill('while True: pass');
    await input.press('Enter');
    await expect.poll(() => board.getAttribute('data-activity'), { timeout: STEP_MS }).toBe('running');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The board loops in its worker; the page itself answers at once.
    const asked = Date.now();
    expect(await page.evaluate(() => 6 * 7)).toBe(42);
    expect(Date.now() - asked).toBeLessThan(500);
    const pressed = Date.now();
    await board.getByRole('button', { name: button, exact: true }).click();
    await expect
      .poll(async () => (await output.textContent()) ?? '', { timeout: 2000 })
      .toMatch(/>>> while True: pass[\s\S]*restarted while running the command/);
    expect(Date.now() - pressed, button).toBeLessThan(2000);
    // The next command works, and the files are still there.
    expect(await runPython(board, "print(open('kept.txt').read())")).toContain('still here');
  }

  const asked = Date.now();
  expect(await runPython(board, "name = input('name? ')")).toMatch(/name\? [\s\S]*OSError: input\(\) cannot wait for the keyboard on this virtual board/);
  expect(Date.now() - asked).toBeLessThan(5000);
  await page.close();
});

test("packages from the project's mpysync.json: fetched by the page from an index that allows it, planned with their verdicts, synced; an index that does not allow pages says so", async () => {
  const index = buildIndex([
    {
      name: 'greet',
      version: '1.2.0',
      tree: '6',
      files: [{ path: 'greet.mpy', bytes: corpusFile('greet.bytecode.v1.27.0.mpy') }],
      deps: [['fastmath', 'latest']],
    },
    { name: 'fastmath', version: '1.0.0', tree: '6', files: [{ path: 'fastmath.mpy', bytes: corpusFile('fastmath.armv7emsp.v1.27.0.mpy') }] },
  ]);
  const open = await serveStatic(index, [], true);
  const closed = await serveStatic(index, [], false);
  try {
    const { page, board } = await virtualBoardWith({
      'main.py': 'import greet\nprint(greet.greet("page"))\n',
      'mpysync.json': JSON.stringify({ packages: ['greet'], index: open.url + 'pi' }),
    });
    onTestFailed(async () => {
      await showPageAtFailure(page, join(ARTIFACTS, 'web-virtual-packages-failure.png'));
    });
    await board.locator('tr[data-file="lib/greet.mpy"]').waitFor({ timeout: STEP_MS });
    expect(await page.getByLabel('Packages').inputValue()).toBe('greet');
    expect(await board.locator('tr[data-file="lib/greet.mpy"]').getAttribute('data-action')).toBe('upload');
    // The dependency is native code for another arch: refused with the loader's explanation, as a project file would be.
    expect(await board.locator('tr[data-file="lib/fastmath.mpy"]').getAttribute('data-action')).toBe('refuse');
    expect(await board.locator('tr[data-file="lib/fastmath.mpy"] td.detail').textContent()).toMatch(/native armv7emsp code/);
    expect(await board.locator('tr[data-file="mpysync.json"]').count()).toBe(0);
    await board.getByRole('button', { name: 'Sync this board' }).click();
    await expect.poll(() => board.locator('[data-result]').textContent(), { timeout: STEP_MS }).toMatch(/2 uploaded/);
    expect(await runPython(board, 'import greet; print(greet.greet("lib"))')).toContain('hello from greet, lib!');

    // An index without CORS: the page cannot read it, and says what to do.
    const input = page.getByLabel('Packages');
    await input.fill(`${closed.url}pi/package/6/greet/latest.json`);
    await input.press('Enter');
    await input.blur();
    await expect
      .poll(() => board.locator('p.error').textContent(), { timeout: STEP_MS })
      .toMatch(/this page may not fetch it: the index does not let other sites' pages read its files \(CORS\), or the network is down/);
    await page.close();
  } finally {
    await open.close();
    await closed.close();
  }
});

test('progress moves during the sync of a 1 MB file, and the page reports its rate', async () => {
  // 1 MB of text that compresses as source does (names and numbers, not one repeated line).
  let text = '';
  for (let i = 0; text.length < 1_000_000; i++) text += `VALUE_${i} = ${(i * 7919) % 100_003}  # ${(i * 31337).toString(36)}\n`;
  const { page, board, project } = await virtualBoardWith({ 'main.py': 'print(1)\n', 'big.py': text });
  onTestFailed(async () => {
    await showPageAtFailure(page, join(ARTIFACTS, 'web-virtual-progress-failure.png'));
  });
  await board.locator('tr[data-file="big.py"]').waitFor({ timeout: STEP_MS });
  const started = Date.now();
  await board.getByRole('button', { name: 'Sync this board' }).click();
  const seen = new Set<string>();
  const bar = board.locator('.progress label');
  while (!(await board.locator('[data-result]').count())) {
    const shown = await bar.textContent({ timeout: 200 }).catch(() => null);
    if (shown) seen.add(shown.replace(/\s+/g, ' '));
    expect(Date.now() - started, 'the sync did not end').toBeLessThan(120_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ms = Date.now() - started;
  expect(await board.locator('[data-result]').getAttribute('data-result')).toBe('ok');
  expect(seen.size, [...seen].join(' | ')).toBeGreaterThanOrEqual(3);
  await page.close();
  // The CLI, on the same project, to the same kind of board (its own, in a worker behind a pty).
  const cli = await runCliJson<{ boards: Array<{ status: string; ms: number; probeMs: number }> }>(['sync', project, '--port', 'virtual', '--json'], {
    timeoutMs: 120_000,
  });
  expect(cli.json.boards[0]!.status).toBe('ok');
  const pageRate = text.length / 1024 / (ms / 1000);
  const cliRate = text.length / 1024 / (cli.json.boards[0]!.ms / 1000);
  console.info(
    `1 MB: page ${ms} ms (${Math.round(pageRate)} KB/s), CLI ${cli.json.boards[0]!.ms} ms (${Math.round(cliRate)} KB/s); progress showed ${seen.size} values`,
  );
  // The page's path was 20 times slower than the CLI's (issue 16); it is now about as fast.
  expect(pageRate).toBeGreaterThan(cliRate / 2);
});

test("the board's files: listed with sizes after a sync, one opened read-only, deleted after a confirmation", async () => {
  const { page, board } = await virtualBoardWith({ 'main.py': 'print("from main")\n', 'lib/util.py': 'X = 1\n' });
  onTestFailed(async () => {
    await showPageAtFailure(page, join(ARTIFACTS, 'web-virtual-files-failure.png'));
  });
  await board.locator('tr[data-file="main.py"]').waitFor({ timeout: STEP_MS });
  await board.getByRole('button', { name: 'Sync this board' }).click();
  const files = board.getByRole('table', { name: 'Files on the board' });
  await files.locator('tr[data-path="lib/util.py"]').waitFor({ timeout: STEP_MS });
  expect(await files.locator('tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')))).toEqual(['lib', 'lib/util.py', 'main.py']);
  expect(await files.locator('tr[data-path="main.py"] td.size').textContent()).toBe('19 B');

  await board.getByRole('button', { name: 'Open main.py' }).click();
  await expect.poll(() => board.getByLabel('Contents of main.py').textContent(), { timeout: STEP_MS }).toBe('print("from main")\n');

  // Delete asks first: "no" keeps the file, "yes" removes it.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await board.getByRole('button', { name: 'Delete lib/util.py' }).click();
  expect(await files.locator('tr[data-path="lib/util.py"]').count()).toBe(1);
  page.once('dialog', (dialog) => {
    expect(dialog.message()).toBe('Delete lib/util.py from the board? This cannot be undone.');
    void dialog.accept();
  });
  await board.getByRole('button', { name: 'Delete lib/util.py' }).click();
  await expect.poll(() => files.locator('tr[data-path="lib/util.py"]').count(), { timeout: STEP_MS }).toBe(0);
  expect(await runPython(board, "import os; print(os.listdir('lib'))")).toContain('[]');
  await page.screenshot({ path: join(ARTIFACTS, 'web-virtual-files-desktop.png'), fullPage: true });
  await page.close();
});

test('a REPL terminal per board: print(6*7) gives 42, Stop ends an endless loop, a paste of several lines runs, and a sync gives the prompt back', async () => {
  const { page, board } = await virtualBoardWith({ 'main.py': 'print("hi")\n' });
  onTestFailed(async () => {
    await showPageAtFailure(page, join(ARTIFACTS, 'web-virtual-terminal-failure.png'));
  });
  await board.locator('tr[data-file="main.py"]').waitFor({ timeout: STEP_MS });
  await board.getByRole('button', { name: 'Open terminal' }).click();
  const screen = board.getByRole('region', { name: 'Terminal of the board' });
  const shown = async () => ((await screen.locator('.xterm-rows').textContent()) ?? '').replace(/\u00a0/g, ' ');
  await expect.poll(shown, { timeout: STEP_MS }).toContain('>>> ');
  const type = async (text: string) => {
    await screen.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type(text);
  };
  await type('print(6*7)\r');
  await expect.poll(shown, { timeout: STEP_MS }).toMatch(/print\(6\*7\)\s*42/);

  await type('while True: pass\r\r');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const pressed = Date.now();
  await board.getByRole('button', { name: 'Stop', exact: true }).click();
  // The loop cannot take Ctrl-C on this port: within the watch's second the board is reset, and its banner comes back.
  await expect.poll(shown, { timeout: 2000 }).toMatch(/Type "help\(\)" for more information\.\s*>>>\s*$/);
  expect(Date.now() - pressed).toBeLessThan(2000);

  // A paste of several lines goes in paste mode: the REPL does not indent it again.
  await screen.locator('.xterm-helper-textarea').focus();
  await page.evaluate(() => {
    const area = document
      .querySelector('mpysync-app')!
      .shadowRoot!.querySelector('mps-board-card')!
      .shadowRoot!.querySelector('mps-board-terminal')!
      .shadowRoot!.querySelector('.xterm-helper-textarea')!;
    const data = new DataTransfer();
    data.setData('text/plain', 'def twice(x):\n    return 2 * x\n\nprint(twice(21))\n');
    area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await expect.poll(shown, { timeout: STEP_MS }).toMatch(/paste mode; Ctrl-C to cancel, Ctrl-D to finish[\s\S]*twice\(21\)[\s\S]*42\s*>>>\s*$/);

  // A sync takes the board for its time, then the terminal has the prompt again and works.
  await board.getByRole('button', { name: 'Sync this board' }).click();
  await board.locator('[data-result]').waitFor({ timeout: STEP_MS });
  await type('import main\r');
  await expect.poll(shown, { timeout: STEP_MS }).toMatch(/import main\s*hi\s*>>>\s*$/);
  await page.screenshot({ path: join(ARTIFACTS, 'web-virtual-terminal-desktop.png'), fullPage: true });
  // At phone width the terminal fits the card (no sideways scrolling of the page).
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { timeout: STEP_MS }).toBeLessThanOrEqual(390);
  await expect.poll(shown, { timeout: STEP_MS }).toMatch(/>>>\s*$/);
  await page.screenshot({ path: join(ARTIFACTS, 'web-virtual-terminal-phone.png'), fullPage: true });
  await page.close();
});

test('with the folder input (no File System Access), "Read again…" asks for the folder again and plans what changed', async () => {
  const { page, board, project } = await virtualBoardWith({ 'main.py': 'print(1)\n' });
  await board.locator('tr[data-file="main.py"]').waitFor({ timeout: STEP_MS });
  writeFileSync(join(project, 'added.py'), 'Y = 2\n');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Read again…' }).click();
  await (await chooser).setFiles(project);
  await board.locator('tr[data-file="added.py"][data-action="upload"]').waitFor({ timeout: STEP_MS });
  await page.close();
});

test('a class in the page: three boards in the overview, one row each with firmware, ABI, state and result; a board renamed keeps its name by its id', async () => {
  const { page, project } = await virtualBoardWith({ 'main.py': 'print("class")\n', 'lib/util.py': 'X = 1\n' });
  for (const label of ['Virtual board 2', 'Virtual board 3']) {
    await page.getByRole('button', { name: 'Virtual board' }).click();
    await card(page, label).locator('tr[data-file="main.py"]').waitFor({ timeout: STEP_MS });
  }
  const rows = page.locator('mps-board-overview tbody tr');
  expect(await rows.count()).toBe(3);
  await page.getByRole('button', { name: 'Sync all boards (3)' }).click();
  await expect
    .poll(() => page.locator('[data-overview-result]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-overview-result'))), {
      timeout: STEP_MS,
    })
    .toEqual(['ok', 'ok', 'ok']);
  for (let i = 0; i < 3; i++) {
    const row = rows.nth(i);
    expect(await row.getAttribute('data-board')).toBe(`Virtual board ${i + 1}`);
    expect(await row.locator('td.firmware').textContent()).toBe('MicroPython 1.27.0');
    expect(await row.locator('td.abi').textContent()).toBe('.mpy 6.3 · bytecode only');
    expect((await row.locator('[data-state]').textContent())?.trim()).toBe('ready');
  }
  // Only the chosen board's card is shown: the last one connected, until another is chosen.
  expect(await page.locator('article[aria-label^="Board: "]').count()).toBe(1);
  await showBoard(page, 'Virtual board 1');
  expect(await rows.nth(0).getAttribute('aria-selected')).toBe('true');

  // Renamed: the row and the card say the name; the browser keeps it by the board's id.
  await rows.nth(1).getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('Name for Virtual board 2').fill('Table 2 · Ada');
  await page.keyboard.press('Enter');
  await expect.poll(() => rows.nth(1).getAttribute('data-board'), { timeout: STEP_MS }).toBe('Table 2 · Ada');
  await showBoard(page, 'Table 2 · Ada', 'Virtual board 2');
  expect(await card(page, 'Virtual board 2').locator('h3').textContent()).toBe('Table 2 · Ada');
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('mpysync.boardNames') ?? '{}') as Record<string, string>);
  const [[id, name]] = Object.entries(stored) as [[string, string]];
  expect(name).toBe('Table 2 · Ada');
  expect(id).toMatch(/^[0-9a-f]{16}$/);
  expect(await runPython(card(page, 'Virtual board 2'), 'import machine')).toMatch(/ImportError/); // the id is not a machine module
  await page.screenshot({ path: join(ARTIFACTS, 'web-class-overview-desktop.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.screenshot({ path: join(ARTIFACTS, 'web-class-overview-phone.png'), fullPage: true });
  expect(overflow, 'the page scrolls sideways at phone width').toBeLessThanOrEqual(0);
  expect(pageErrors).toEqual([]);
  await page.close();
  rmSync(project, { recursive: true, force: true });
});
