#!/usr/bin/env node
// Runs the built CLI (dist/, written by `npm run build`; `npm ci` in a clone builds it through `prepare`).
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code between runs (a faster start); older Node has no such call.
module.enableCompileCache?.();

const main = new URL('../dist/device/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    `mpysync: ${decodeURIComponent(main.pathname)} is missing; in a clone of mpysync, run \`npm run build\` (or \`npm ci\`, which builds) first\n`,
  );
  process.exit(2);
}
await import(main.href);
