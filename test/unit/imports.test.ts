import { describe, expect, it } from 'vitest';
import { parseBoardModules } from '../../protocol/plan/board-modules.ts';
import { checkImports, unresolvedInProject, type ImportCheckInput } from '../../protocol/plan/import-check.ts';
import { scanImports } from '../../protocol/plan/imports.ts';
import { fakeProbe } from '../helpers/probes.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('scanImports: what a .py imports, read from its text', () => {
  it('finds every form with its line: plain, dotted, as, several, from, relative, parenthesised, after a colon', () => {
    const refs = scanImports(
      [
        'import machine',
        'import lib.sensors as s, utime',
        'from umqtt.simple import MQTTClient',
        'from . import helpers',
        'from ..core import (a,',
        '    b as c)',
        'if True: import gc',
        'x = 1; import json',
      ].join('\n'),
    );
    expect(refs.map(({ module, level, names, line }) => ({ module, level, names, line }))).toEqual([
      { module: 'machine', level: 0, names: [], line: 1 },
      { module: 'lib.sensors', level: 0, names: [], line: 2 },
      { module: 'utime', level: 0, names: [], line: 2 },
      { module: 'umqtt.simple', level: 0, names: ['MQTTClient'], line: 3 },
      { module: '', level: 1, names: ['helpers'], line: 4 },
      { module: 'core', level: 2, names: ['a', 'b'], line: 5 },
      { module: 'gc', level: 0, names: [], line: 7 },
      { module: 'json', level: 0, names: [], line: 8 },
    ]);
  });

  it('is not fooled by strings and comments that say "import"', () => {
    const refs = scanImports(['"""Usage:', 'import nothing_here', '"""', "s = 'import fake'  # import also_fake", 'import real'].join('\n'));
    expect(refs.map((r) => [r.module, r.line])).toEqual([['real', 5]]);
  });

  it('an import guarded by try/except ImportError (or a bare except, or Exception) is optional; others are not', () => {
    const refs = scanImports(
      [
        'try:',
        '    import ujson as json',
        'except ImportError:',
        '    import json',
        'try:',
        '    import network',
        'except OSError:',
        '    pass',
        'def f():',
        '    try:',
        '        from esp import osdebug',
        '    except:',
        '        pass',
        '    import neopixel',
      ].join('\n'),
    );
    expect(refs.map((r) => [r.module, r.optional])).toEqual([
      ['ujson', true],
      ['json', false],
      ['network', false],
      ['esp', true],
      ['neopixel', false],
    ]);
  });
});

describe("checkImports: each import resolved as the board's import would", () => {
  const board = fakeProbe(774);
  const modules = (files: string[], builtins: string[] | null = ['machine', 'utime', 'json', 'gc', 'uasyncio.stream']) => ({
    path: ['', '.frozen', '/lib'],
    builtins: builtins && new Set(builtins),
    files: new Set(files),
  });
  const input = (sources: Record<string, string>, others: string[] = [], refused: string[] = []): ImportCheckInput => ({
    sources: Object.entries(sources).map(([file, source]) => ({ file, relative: file, remote: file, bytes: text(source) })),
    kept: [...Object.keys(sources), ...others].map((file) => ({ file, remote: file })),
    refused: refused.map((file) => ({ file, remote: file })),
    board: { ...board, fs: { ...board.fs, cwd: '/' } },
  });

  it('resolves the project (lib/ is on sys.path), packages and relative imports; nothing to ask the board', () => {
    const project = input(
      {
        'main.py': 'import greet\nimport app.util\nfrom app import util\n',
        'app/__init__.py': 'from .util import helper\nfrom . import util\n',
        'app/util.py': 'from ..lib import greet\n',
      },
      ['lib/greet.mpy'],
    );
    expect(unresolvedInProject(project)).toBe(false);
  });

  it('a missing module is a problem of the importer with its line; built-ins, u-names and files already on the board are not', () => {
    const project = input({ 'main.py': 'import machine\nimport time\nimport ujson\nimport bme280\nimport uasyncio.stream\nimport driver\n' });
    expect(unresolvedInProject(project)).toBe(true);
    const problems = checkImports(project, modules(['/lib/driver.py']));
    expect(problems).toEqual([
      {
        file: 'main.py',
        line: 4,
        kind: 'import',
        message: expect.stringMatching(
          /^main\.py:4 imports bme280, which is not in the project, not on the board and not built into this firmware .*Fix: add bme280\.py/,
        ),
      },
    ]);
  });

  it("importing a module the board refused is a problem; without the firmware's module list an unknown name is not judged", () => {
    const project = input({ 'main.py': 'import turbo\nimport unknown_thing\n' }, [], ['lib/turbo.mpy']);
    const withoutList = checkImports(project, modules([], null));
    expect(withoutList).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/imports turbo, which this board refused \(\/lib\/turbo\.mpy/) }),
    ]);
  });

  it("reads the board's answer: sys.path, files under it, help('modules') in columns with frozen packages", () => {
    const parsed = parseBoardModules(
      [
        "mps-m#path ['', '.frozen', '/lib']",
        "mps-m#f '/lib/bme280.py'",
        "mps-m#f '/lib/umqtt'",
        "mps-m#f '/lib/umqtt/simple.py'",
        'mps-m#modules',
        '__main__          gc                uasyncio/core     utime',
        'array             machine           uasyncio/stream   asyncio/__init__',
        'Plus any modules on the filesystem',
      ].join('\r\n'),
    );
    expect(parsed.path).toEqual(['', '.frozen', '/lib']);
    expect([...parsed.files]).toEqual(['/lib/bme280.py', '/lib/umqtt', '/lib/umqtt/simple.py']);
    expect([...parsed.builtins!].sort()).toEqual(['__main__', 'array', 'asyncio', 'gc', 'machine', 'uasyncio', 'uasyncio.core', 'uasyncio.stream', 'utime']);
    expect(parseBoardModules("mps-m#path ['']\nmps-m#modules\nmps-m#nohelp\n").builtins).toBeNull();
  });
});
