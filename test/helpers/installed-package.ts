/**
 * mpysync as a user installs it: `npm pack`, then the tarball installed into an empty folder from
 * the npm cache alone (no network). The cache holds the dependencies' tarballs (from `npm ci`) but
 * not the registry metadata `npm install <tarball>` resolves versions with, so the folder gets a
 * lockfile instead: the package, and the production part of mpysync's own lockfile (the versions
 * the tests ran with). Used by test/package and the benchmark.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string };
export const VERSION = manifest.version;

export interface InstalledPackage {
  tarball: string;
  /** Paths inside the tarball, as `npm pack` lists them. */
  files: string[];
  /** The folder it is installed in (its node_modules/mpysync). */
  folder: string;
  /** node_modules/.bin/mpysync of that folder. */
  bin: string;
}

/** Packs this clone into `work` and installs the tarball into `work/consumer`. */
export async function packAndInstall(work: string): Promise<InstalledPackage> {
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, timeout: 120_000 });
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; integrity: string; files: Array<{ path: string }> }>;
  const folder = join(work, 'consumer');
  mkdirSync(folder, { recursive: true });
  const dependency = `file:../${info!.filename}`;
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { mpysync: dependency } }));
  writeFileSync(join(folder, 'package-lock.json'), JSON.stringify(consumerLock(dependency, info!.integrity)));
  // --offline: every package must come from the npm cache that `npm ci` filled; a network fetch fails the install.
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel', 'error'], { cwd: folder, timeout: 180_000 }).catch((e: { stderr: string }) => {
    throw new Error(`npm ci --offline of ${info!.filename} failed (a dependency missing from the npm cache?):\n${e.stderr}`);
  });
  return { tarball: join(work, info!.filename), files: info!.files.map((f) => f.path), folder, bin: join(folder, 'node_modules/.bin/mpysync') };
}

/** A lockfile for a folder that depends on the packed mpysync only: its entry, and every non-dev package of mpysync's own lockfile. */
function consumerLock(dependency: string, integrity: string) {
  const own = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { mpysync: dependency } },
    'node_modules/mpysync': {
      version: VERSION,
      resolved: dependency,
      integrity,
      license: manifest.license,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  for (const [path, entry] of Object.entries(own.packages)) if (path !== '' && !entry.dev) packages[path] = entry;
  return { name: 'consumer', lockfileVersion: 3, requires: true, packages };
}
