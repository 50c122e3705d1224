/**
 * Before any test: the CLI the tests run (bin/mpysync.mjs) is the built one in dist/, so build it
 * from the sources as they are now (incremental: a second of work when nothing changed).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

export default function setup(): () => void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // vitest.config.ts made this run's compile cache.
  return () => rmSync(process.env.MPYSYNC_CACHE_DIR!, { recursive: true, force: true });
}
