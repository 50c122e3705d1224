import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, type TestBrowser } from '../helpers/browser.ts';
import { commandDigests } from './encoder-entry.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/mpy-corpus/', import.meta.url));

// Real .py sources and binary .mpy files, with some bytes every escape rule has to handle.
const files = [
  ...readdirSync(FIXTURES + 'src').map((name) => ({ relative: `src/${name}`, bytes: [...readFileSync(FIXTURES + 'src/' + name)] })),
  ...readdirSync(FIXTURES + 'files')
    .filter((name) => name.includes('v1.27.0'))
    .map((name) => ({ relative: `mpy/${name}`, bytes: [...readFileSync(FIXTURES + 'files/' + name)] })),
  { relative: 'edge.bin', bytes: [0, 1, 2, 3, 4, 5, 0x30, 0x0a, 0x0d, 0x27, 0x5c, 0x7f, 0x80, 0xff, 0, 0x37, 0x38] },
];

let browser: TestBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

test('the transfer encoder makes the same bytes in Chromium as in Node (deflate, literals, base64, micro:bit sizes, micro:bit fed)', async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./encoder-entry.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'mpysyncEncoder',
    platform: 'browser',
    write: false,
  });
  const page = await browser.context.newPage();
  await page.setContent('<!doctype html><title>encoder</title>');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const inBrowser = await page.evaluate(
    (input) => (globalThis as unknown as { mpysyncEncoder: { commandDigests: typeof commandDigests } }).mpysyncEncoder.commandDigests(input),
    files,
  );
  const inNode = commandDigests(files);
  expect(Object.keys(inNode)).toEqual(['fingerprints', 'deflate', 'literal', 'asciiBase64', 'microbit', 'microbitFeed']);
  expect(inNode.microbitFeed).toMatch(/\+fed:[0-9a-f]{64}$/);
  expect(inBrowser).toEqual(inNode);
  // The settings really differ: five different byte streams (and the fingerprints).
  expect(new Set(Object.values(inNode)).size).toBe(6);
});
