/** This package's own files, found through its name (package.json "exports"), from the sources and from dist/ alike. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const PACKAGE_VERSION = (require('mpysync/package.json') as { version: string }).version;

/** The built CLI's entry point (dist/device/cli/main.js): what a private virtual board runs. */
export function cliEntry(): string {
  return require.resolve('mpysync/cli');
}
