/**
 * A project's `mpysync.json` at its top: `{"packages": ["ssd1306", "umqtt.simple@1.3.4"], "index": "https://…"}`.
 * Read by the CLI (device/project-files.ts) and the page alike; never sent to the board. Pure.
 */
import { MpysyncError } from '../errors.ts';

export const PROJECT_FILE = 'mpysync.json';
/** The class's roster (device/roster.ts): which board is whose, and how its last sync went. */
export const ROSTER_FILE = 'mpysync-roster.json';
/** mpysync's own files at a project's top: read on the host, never sent. */
export const isHostOnlyFile = (relative: string) => relative === PROJECT_FILE || relative === ROSTER_FILE;

export interface ProjectSettings {
  packages: string[];
  /** The package index, or null for the default. */
  index: string | null;
}

/** The settings in `bytes` (none: no file); anything else is said, naming the file as `where`. */
export function readProjectSettings(bytes: Uint8Array | undefined, where: string): ProjectSettings {
  if (!bytes) return { packages: [], index: null };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new MpysyncError('project-settings', `${where} is not JSON: ${(error as Error).message}`);
  }
  const { packages = [], index = null } = (json ?? {}) as { packages?: unknown; index?: unknown };
  if (!Array.isArray(packages) || !packages.every((p) => typeof p === 'string')) {
    throw new MpysyncError('project-settings', `${where}: "packages" must be a list of names, e.g. ["ssd1306", "umqtt.simple@1.3.4"]`);
  }
  if (index !== null && typeof index !== 'string') throw new MpysyncError('project-settings', `${where}: "index" must be a URL`);
  return { packages, index };
}
