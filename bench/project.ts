/**
 * The benchmark project, made afresh from a seed at every run (the same bytes every time, on any
 * machine): about 40 files and 300 KB in subfolders, half `.mpy` (binary) and half `.py` (text).
 *
 * Text: Python modules written by a small generator — imports, constants, classes with methods,
 * functions with branches and loops, docstrings and comments — from word lists, so no two files
 * share more than a real project's files would.
 *
 * Binary: there is no mpy-cross here, and the fixture corpus holds just three small modules in
 * several versions; concatenated, those compress to 0.19 of their size, far better than real
 * `.mpy` files of different modules would. So each `.mpy` starts with a real 6.x bytecode file of
 * the corpus (its header is what the planner judges; it imports on a 6.x board) and goes on with
 * bytes drawn from an order-2 model of the corpus's bytecode and native files (the same mix of
 * opcodes, qstr text and machine code, without the long repeats). docs/benchmark.md gives how
 * these compress next to the real corpus files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LocalFile } from '../protocol/plan/plan.ts';

export const BENCH_SEED = 20_251_124;
const CORPUS = fileURLToPath(new URL('../test/fixtures/mpy-corpus/files/', import.meta.url));
const encoder = new TextEncoder();

export interface BenchFile extends LocalFile {
  kind: 'binary' | 'text';
}

/** A small, fast, seedable generator (mulberry32): the same seed gives the same project. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateBenchProject(seed = BENCH_SEED, options: { files?: number; bytes?: number } = {}): BenchFile[] {
  const files = options.files ?? 40;
  const total = options.bytes ?? 300 * 1024;
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  // Sizes vary from a third to twice the mean, as in a real project.
  const size = (mean: number) => Math.round(mean * (0.35 + random() * 1.3));
  const half = Math.floor(files / 2);
  const out: BenchFile[] = [];
  const mpy = mpyMaker(random);
  const textDirs = ['app', 'app/screens', 'drivers', 'lib/net', 'lib/util'];
  const binaryDirs = ['lib', 'lib/gfx', 'lib/sensors', 'vendor'];
  const used = new Set<string>();
  const name = (dirs: string[], ext: string) => {
    for (;;) {
      const candidate = `${pick(dirs)}/${pick(NOUNS)}_${pick(NOUNS)}${ext}`;
      if (!used.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
    }
  };
  for (let i = 0; i < half; i++) {
    const n = size(total / 2 / half);
    out.push({ relative: name(textDirs, '.py'), bytes: encoder.encode(pythonModule(random, n)), kind: 'text' });
    out.push({ relative: name(binaryDirs, '.mpy'), bytes: mpy(size(total / 2 / half)), kind: 'binary' });
  }
  return out.sort((a, b) => (a.relative < b.relative ? -1 : 1));
}

/** Corpus files a 6.x bytecode-only board loads: bytecode, .mpy version 6. */
function loadableCorpus(): Uint8Array[] {
  return readdirSync(CORPUS)
    .sort()
    .filter((n) => n.includes('.bytecode.') && !n.includes('v1.18') && !n.startsWith('fastmath.bytecode.v1.19'))
    .map((n) => new Uint8Array(readFileSync(CORPUS + n)));
}

function mpyMaker(random: () => number): (bytes: number) => Uint8Array {
  const heads = loadableCorpus();
  // Successors of every 2-byte context in the corpus's 6.x files (bytecode and native).
  const model = new Map<number, number[]>();
  for (const name of readdirSync(CORPUS).sort()) {
    if (name.includes('v1.18')) continue;
    const bytes = readFileSync(CORPUS + name);
    for (let i = 2; i < bytes.length; i++) {
      const key = (bytes[i - 2]! << 8) | bytes[i - 1]!;
      let list = model.get(key);
      if (!list) model.set(key, (list = []));
      list.push(bytes[i]!);
    }
  }
  const keys = [...model.keys()];
  return (length) => {
    const head = heads[Math.floor(random() * heads.length)]!;
    const out = new Uint8Array(Math.max(length, head.length));
    out.set(head);
    for (let i = head.length; i < out.length; i++) {
      const next = model.get((out[i - 2]! << 8) | out[i - 1]!);
      if (next) out[i] = next[Math.floor(random() * next.length)]!;
      else {
        const key = keys[Math.floor(random() * keys.length)]!;
        out[i] = key & 0xff;
      }
    }
    return out;
  };
}

const NOUNS = [
  'sensor',
  'motor',
  'display',
  'button',
  'led',
  'buffer',
  'packet',
  'frame',
  'config',
  'state',
  'event',
  'timer',
  'channel',
  'reading',
  'sample',
  'pixel',
  'color',
  'font',
  'menu',
  'screen',
  'socket',
  'client',
  'server',
  'message',
  'queue',
  'filter',
  'average',
  'battery',
  'power',
  'clock',
  'alarm',
  'logger',
  'record',
  'store',
  'cache',
  'driver',
  'bus',
  'register',
  'address',
  'pin',
  'uart',
  'spi',
  'i2c',
  'wifi',
  'mqtt',
  'topic',
  'payload',
  'retry',
  'backoff',
];
const VERBS = [
  'read',
  'write',
  'update',
  'reset',
  'start',
  'stop',
  'send',
  'receive',
  'parse',
  'format',
  'draw',
  'clear',
  'scan',
  'connect',
  'close',
  'flush',
  'load',
  'save',
  'check',
  'apply',
  'compute',
  'measure',
  'handle',
  'poll',
  'wait',
  'toggle',
];
const WORDS = [
  'the',
  'value',
  'is',
  'kept',
  'until',
  'next',
  'call',
  'returns',
  'none',
  'when',
  'board',
  'has',
  'no',
  'data',
  'yet',
  'every',
  'second',
  'after',
  'boot',
  'raises',
  'if',
  'device',
  'does',
  'not',
  'answer',
  'in',
  'time',
  'uses',
  'less',
  'memory',
  'than',
  'a',
  'list',
  'so',
  'it',
  'fits',
  'on',
  'small',
  'boards',
  'note',
  'that',
  'this',
  'runs',
  'from',
  'interrupt',
  'handler',
  'must',
  'be',
  'short',
  'see',
  'datasheet',
  'for',
  'timing',
  'bytes',
  'are',
  'sent',
  'big',
  'endian',
  'first',
  'then',
  'checksum',
  'byte',
];
// Modules every board of the benchmark has (the WebAssembly port has no machine, network or socket): its imports all resolve.
const MODULES = ['time', 'array', 'micropython', 'struct', 'json', 'gc', 'sys', 'os', 'math', 'binascii', 'random', 'select', 'asyncio'];

function pythonModule(random: () => number, length: number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const sentence = (min: number, max: number) => {
    const words = Array.from({ length: int(min, max) }, () => pick(WORDS));
    const text = words.join(' ');
    return text[0]!.toUpperCase() + text.slice(1) + '.';
  };
  const ident = () => `${pick(NOUNS)}${random() < 0.4 ? '_' + pick(NOUNS) : ''}`;
  /** Parameter names: a repeated one is a SyntaxError. */
  const params = (n: number) => {
    const names = new Set<string>();
    while (names.size < n) names.add(ident());
    return [...names];
  };
  const call = () => `${pick(VERBS)}_${pick(NOUNS)}(${Array.from({ length: int(0, 3) }, ident).join(', ')})`;
  const expr = (): string => {
    switch (int(0, 5)) {
      case 0:
        return String(int(0, 4096));
      case 1:
        return `${ident()} ${pick(['+', '-', '*', '//', '&', '|', '>>', '<<'])} ${int(1, 255)}`;
      case 2:
        return `self.${ident()}`;
      case 3:
        return `'${pick(NOUNS)}-${pick(VERBS)}'`;
      case 4:
        return `0x${int(0, 0xffff).toString(16).padStart(4, '0')}`;
      default:
        return call();
    }
  };
  const block = (indent: string, depth: number): string[] => {
    const lines: string[] = [];
    for (let i = int(2, 6); i > 0; i--) {
      const r = random();
      if (r < 0.15 && depth < 2) {
        lines.push(`${indent}if ${ident()} ${pick(['>', '<', '==', '!=', '>='])} ${expr()}:`, ...block(indent + '    ', depth + 1));
        if (random() < 0.4) lines.push(`${indent}else:`, ...block(indent + '    ', depth + 1));
      } else if (r < 0.25 && depth < 2) {
        lines.push(`${indent}for ${pick(['i', 'n', 'k', 'item'])} in range(${int(2, 64)}):`, ...block(indent + '    ', depth + 1));
      } else if (r < 0.32 && depth < 2) {
        lines.push(
          `${indent}try:`,
          ...block(indent + '    ', depth + 1),
          `${indent}except OSError as e:`,
          `${indent}    log.warning('${pick(VERBS)} failed: %s', e)`,
        );
      } else if (r < 0.4) {
        lines.push(`${indent}# ${sentence(4, 12)}`);
      } else if (r < 0.55) {
        lines.push(`${indent}${call()}`);
      } else {
        lines.push(`${indent}${random() < 0.5 ? 'self.' : ''}${ident()} = ${expr()}`);
      }
    }
    // A block of comments alone is a SyntaxError: the project must compile, as a real one does.
    if (lines.every((line) => line.trimStart().startsWith('#'))) lines.push(`${indent}pass`);
    return lines;
  };
  const lines: string[] = [`"""${sentence(5, 10)}`, '', sentence(8, 20), sentence(8, 20), '"""', ''];
  for (const m of new Set(Array.from({ length: int(2, 5) }, () => pick(MODULES)))) lines.push(`import ${m}`);
  lines.push('import logging', '', 'log = logging.getLogger(__name__)', '');
  for (let i = int(2, 6); i > 0; i--) lines.push(`${ident().toUpperCase()} = ${expr().replace(/self\./g, '')}`);
  let text = lines.join('\n') + '\n';
  while (text.length < length) {
    const out: string[] = ['', ''];
    if (random() < 0.5) {
      const noun = pick(NOUNS);
      const cls = `${noun[0]!.toUpperCase()}${noun.slice(1)}${pick(['Driver', 'Manager', 'Reader', 'Client', 'View', 'Buffer'])}`;
      out.push(`class ${cls}:`, `    """${sentence(6, 16)}"""`, '', `    def __init__(self, ${params(2).join(', ')}=None):`, ...block('        ', 1));
      for (let m = int(2, 5); m > 0; m--) {
        out.push(
          '',
          `    def ${pick(VERBS)}_${pick(NOUNS)}(self${random() < 0.6 ? ', ' + ident() : ''}):`,
          `        """${sentence(4, 14)}"""`,
          ...block('        ', 1),
        );
        out.push(`        return ${expr()}`);
      }
    } else {
      out.push(`def ${pick(VERBS)}_${pick(NOUNS)}(${params(int(0, 3)).join(', ')}):`, `    """${sentence(5, 18)}"""`, ...block('    ', 0));
      out.push(`    return ${expr()}`);
    }
    text += out.join('\n') + '\n';
  }
  // Cut after the last whole function or class that fits: a cut inside a block would not compile.
  const end = text.lastIndexOf('\n\n\n', length);
  return end > 0 ? text.slice(0, end + 1) : text;
}
