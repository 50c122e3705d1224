/**
 * What a `.py` imports, read from its text (nothing is run): `import a.b`, `from a import b`,
 * relative imports, with their lines. An import inside `try:` whose handlers catch ImportError
 * (or everything) is optional: the program runs without it.
 */

export interface ImportRef {
  /** The module asked for, dotted, without the leading dots of a relative import ('' for `from . import x`). */
  module: string;
  /** Leading dots of a relative import: 0 for an absolute one. */
  level: number;
  /** `from m import a, b`: the names; empty for `import m`. */
  names: string[];
  line: number;
  optional: boolean;
}

interface TryFrame {
  indent: number;
  /** Still in the `try:` body (imports here are guarded if a handler catches ImportError). */
  inBody: boolean;
  guards: boolean;
  imports: ImportRef[];
}

const GUARDING_EXCEPT = /^except\s*(:|\(?\s*[\w.,\s]*\b(ImportError|ModuleNotFoundError|Exception|BaseException)\b)/;

export function scanImports(source: string): ImportRef[] {
  const found: ImportRef[] = [];
  const frames: TryFrame[] = [];
  for (const { text, line } of logicalLines(source)) {
    const indent = text.length - text.trimStart().length;
    const code = text.trim();
    // A line at or left of a `try:` ends its body; its own except/else/finally clauses continue it.
    while (frames.length && indent <= frames.at(-1)!.indent) {
      const frame = frames.at(-1)!;
      if (indent === frame.indent && /^(except\b|else\s*:|finally\s*:)/.test(code)) {
        frame.inBody = false;
        if (GUARDING_EXCEPT.test(code)) frame.guards = true;
        break;
      }
      frames.pop();
      if (frame.guards) for (const ref of frame.imports) ref.optional = true;
    }
    if (/^try\s*:/.test(code)) {
      frames.push({ indent, inBody: true, guards: false, imports: [] });
      continue;
    }
    for (const ref of importsOf(code, line)) {
      found.push(ref);
      for (const frame of frames) if (frame.inBody) frame.imports.push(ref);
    }
  }
  for (const frame of frames) if (frame.guards) for (const ref of frame.imports) ref.optional = true;
  return found;
}

/** The imports of one logical line (`import a, b as c`; `from .x import (y, z)`); `;` separates statements. */
function importsOf(code: string, line: number): ImportRef[] {
  const refs: ImportRef[] = [];
  for (const statement of code.split(';').map((s) => s.trim())) {
    // `if x: import y` puts a statement after a colon on the same line.
    const body = statement.replace(/^(if|elif|else|while|for|with|def|class)\b[^:]*:\s*/, '');
    const plain = /^import\s+(.+)$/.exec(body);
    if (plain) {
      for (const part of plain[1]!.split(',')) {
        const module = part
          .trim()
          .split(/\s+as\s+/)[0]!
          .trim();
        if (/^[A-Za-z_][\w.]*$/.test(module)) refs.push({ module, level: 0, names: [], line, optional: false });
      }
      continue;
    }
    const from = /^from\s+(\.*)([\w.]*)\s+import\s+(.+)$/.exec(body);
    if (from) {
      const names = from[3]!
        .replace(/[()]/g, '')
        .split(',')
        .map((n) =>
          n
            .trim()
            .split(/\s+as\s+/)[0]!
            .trim(),
        )
        .filter((n) => /^(\w+|\*)$/.test(n));
      refs.push({ module: from[2]!, level: from[1]!.length, names, line, optional: false });
    }
  }
  return refs;
}

/**
 * The source's logical lines with their first physical line number: comments and the contents of
 * strings blanked (a docstring mentioning "import x" is no import), lines joined inside brackets and
 * after a backslash.
 */
function logicalLines(source: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  let current = '';
  let startLine = 1;
  let line = 1;
  let depth = 0;
  for (const [token] of source.matchAll(TOKEN)) {
    const first = token[0]!;
    if (first === '#') continue;
    if (first === '"' || first === "'") {
      line += countNewlines(token);
      current += '""';
    } else if (token === '\\\n') {
      line++;
      current += ' ';
    } else if (token === '\n') {
      line++;
      if (depth > 0) current += ' ';
      else {
        if (current.trim()) out.push({ text: current, line: startLine });
        current = '';
        startLine = line;
      }
    } else {
      if (token === '(' || token === '[' || token === '{') depth++;
      else if (token === ')' || token === ']' || token === '}') depth = Math.max(0, depth - 1);
      current += token;
    }
  }
  if (current.trim()) out.push({ text: current, line: startLine });
  return out;
}

/** Comments, strings (triple-quoted across lines; unclosed, a triple one runs to the end, a short one to its line's end), line joins, newlines, brackets, and runs of the rest. */
const TOKEN = /#[^\n]*|"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|\\\n|\n|[()[\]{}]|[^#"'\\\n()[\]{}]+|./g;

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
