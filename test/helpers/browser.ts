/**
 * Debian's Chromium for browser tests, through playwright-core (never a downloaded browser), with a
 * fresh profile each time. Missing Chromium is a failure that names the package, never a skip.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(options: BrowserContextOptions = {}): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install the Debian package chromium (sudo apt-get install chromium)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'mpysync-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Builds the page with the project's vite.config.ts into `outDir` (what `npx vite build` makes). */
export async function buildPage(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    root: process.cwd(),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
}

/** Runs `code` with a board card's "Run Python" field and returns the output panel's text. */
export async function runPython(board: Locator, code: string, timeoutMs: number): Promise<string> {
  const input = board.getByLabel('Run Python on this board');
  await input.fill(code);
  await input.press('Enter');
  const output = board.locator('pre.output');
  await expect.poll(async () => (await output.textContent()) ?? '', { timeout: timeoutMs }).toContain(`>>> ${code}`);
  return (await output.textContent())!;
}

/** What a failed page test leaves to read: a full-page screenshot with protocol details shown, and the page's log. */
export async function showPageAtFailure(page: Page, screenshotPath: string): Promise<void> {
  await page
    .getByLabel('Show protocol details')
    .check()
    .catch(() => {});
  await page.screenshot({ path: screenshotPath, fullPage: true }).catch(() => {});
  console.error(
    'page log at the failure:\n' +
      (await page
        .locator('mps-log-panel ol')
        .innerText()
        .catch((e: Error) => e.message)),
  );
}
