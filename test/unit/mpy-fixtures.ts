import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The corpus of real .mpy files (copied from the shared corpus) and what MicroPython 1.27 did with them. */
export const CORPUS_DIR = fileURLToPath(new URL('../fixtures/mpy-corpus/', import.meta.url));
export const FILES_DIR = `${CORPUS_DIR}files/`;

export interface Observation {
  file: string;
  header_hex: string;
  outcome: string;
}

export function observedWasm(): Observation[] {
  return JSON.parse(readFileSync(`${CORPUS_DIR}observed-wasm-1.27.json`, 'utf8')) as Observation[];
}

export function fixtureNames(): string[] {
  return readdirSync(FILES_DIR)
    .filter((name) => name.endsWith('.mpy'))
    .sort();
}

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${FILES_DIR}${name}`));
}

/** A copy of `bytes` with some bytes replaced, to synthesize headers from real files. */
export function patched(bytes: Uint8Array, changes: Record<number, number>): Uint8Array {
  const copy = bytes.slice();
  for (const [index, value] of Object.entries(changes)) copy[Number(index)] = value;
  return copy;
}
