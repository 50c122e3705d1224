/**
 * The web page's sync, measured as a user runs it: the built page in Debian Chromium, its in-page
 * virtual board (in a Web Worker), the benchmark project chosen as a folder, "Sync this board"
 * clicked, timed until the result shows.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildPage, launchChromium } from '../test/helpers/browser.ts';
import { serveStatic } from '../test/helpers/static-server.ts';
import type { BenchFile } from './project.ts';

export interface PageSync {
  ms: number;
  status: string | null;
  /** Payload bytes per second. */
  bytesPerSecond: number;
}

export async function measurePageSync(files: BenchFile[]): Promise<PageSync> {
  const dist = mkdtempSync(join(tmpdir(), 'mpysync-bench-page-'));
  const folder = mkdtempSync(join(tmpdir(), 'mpysync-bench-folder-'));
  for (const f of files) {
    mkdirSync(dirname(join(folder, f.relative)), { recursive: true });
    writeFileSync(join(folder, f.relative), f.bytes);
  }
  await buildPage(dist);
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Virtual board' }).click();
    const board = page.locator('article[aria-label="Board: Virtual board 1"]');
    await board.locator('[data-fact=abi]').waitFor({ timeout: 30_000 });
    await page.locator('#folder-input').setInputFiles(folder);
    await board.locator('[data-action="upload"]').first().waitFor({ timeout: 60_000 });
    const started = performance.now();
    await board.getByRole('button', { name: 'Sync this board' }).click();
    await board.locator('[data-result]').waitFor({ timeout: 300_000 });
    const ms = Math.round(performance.now() - started);
    const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
    return { ms, status: await board.locator('[data-result]').getAttribute('data-result'), bytesPerSecond: Math.round(bytes / (ms / 1000)) };
  } finally {
    await browser.close();
    await server.close();
    rmSync(dist, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  }
}
