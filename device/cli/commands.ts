/**
 * The whole command line: every command, argument and option, with its help text. Loading this
 * costs only commander; each command's work is imported when that command runs (start-up: docs/benchmark.md).
 */
import { Command, InvalidArgumentError, Option } from 'commander';

// Help texts: lowercase, no full stop; a default is said once (commander's "(default: …)" or the text, not both).
const PORT_HELP = 'serial port path, "auto" (the one MicroPython board plugged in) or "virtual" (a private virtual board)';
const JSON_HELP = 'machine-readable output on stdout';

/** Runs `name` from ./actions/<module>.ts, imported only now. */
function action<A extends unknown[]>(load: () => Promise<Record<string, unknown>>, name: string): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const module = await load();
    await (module[name] as (...a: A) => Promise<void>)(...args);
  };
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function buildProgram(version: string): Command {
  const program = new Command('mpysync')
    .description('probe MicroPython boards, check .mpy and .py files against them, and sync only what will run')
    .version(version, '-V, --version', 'print the version of mpysync')
    .helpOption('-h, --help', 'show this help')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride();
  program.configureHelp({ sortSubcommands: false });

  const boardFiles = () => import('./actions/board-files.ts');
  const syncActions = () => import('./actions/sync.ts');
  const runOption = () => new Option('--run', 'then restart each board as on power-up and show what boot.py and main.py print; a traceback is a problem');
  const runSecondsOption = () =>
    new Option('--run-seconds <seconds>', 'how long --run watches (default: 3); a main.py still running then is left running').argParser(parseSeconds);
  const withPort = (command: Command) => command.option('-p, --port <port>', PORT_HELP, 'auto');

  program
    .command('check')
    .description('say, offline, which .mpy files a board will load, exactly as its firmware decides, and why not')
    .argument('<paths...>', '.mpy files, or folders searched recursively for .mpy files')
    .option('--board-mpy <value>', "required: the board's sys.implementation._mpy (decimal, 0x hex or 'none'), or a known board's name, e.g. rp2040")
    .option('--small-int-bits <bits>', "the board's small-int bits: 31 on 32-bit boards (the default), 63 on 64-bit unix")
    .option('--firmware <version>', 'the board firmware release, e.g. 1.27.0 (picks the loader generation)')
    .option('--json', JSON_HELP)
    .action(action(() => import('./actions/check.ts'), 'runCheck'));

  program
    .command('inspect')
    .description('show what an .mpy header says and which known boards would load the file')
    .argument('<paths...>', '.mpy files, or folders searched recursively for .mpy files')
    .option('--json', JSON_HELP)
    .action(action(() => import('./actions/inspect.ts'), 'runInspect'));

  program
    .command('ports')
    .description('list serial ports with their USB IDs and the board they probably are')
    .option('--json', JSON_HELP)
    .action(action(() => import('./actions/ports.ts'), 'runPorts'));

  withPort(program.command('probe').description('identify the board: firmware, .mpy ABI, small-int bits, storage, features'))
    .option('--json', JSON_HELP)
    .action(action(() => import('./actions/probe.ts'), 'runProbe'));

  const projectCommand = (name: string, description: string, deleteHelp: string, run: string, load: () => Promise<Record<string, unknown>> = syncActions) =>
    program
      .command(name)
      .description(description)
      .argument('<dir>', 'the project folder')
      .option('-p, --port <port>', `${PORT_HELP}; repeat for several boards (default: auto)`, collect)
      .option('--all', 'every MicroPython-looking port on this machine')
      .option('--dest <dir>', "folder on the board to sync into (default: the board's current folder)")
      .option('--delete', deleteHelp)
      .option('-y, --yes', 'with --delete: remove without asking, even more than a few files (needed where nobody can answer: a script, --json)')
      .option(
        '--compile',
        'send each module but boot.py and main.py as bytecode .mpy compiled here (boards that load .mpy 6); a module that will not compile goes as .py',
      )
      .option('--roster <file>', "the class's roster: board names and last syncs (default: mpysync-roster.json in the project folder)")
      .option('--json', JSON_HELP)
      .action(action(load, run));
  projectCommand(
    'plan',
    'dry run: what a sync would do on each board, file by file, with reasons',
    'also plan removing board files under the destination that are not in the project',
    'runPlan',
  );
  projectCommand(
    'sync',
    'send each board what it can load and what changed; several --port (or --all) sync a classroom in parallel',
    'remove board files under the destination that are not in the project',
    'runSync',
  )
    .addOption(runOption())
    .addOption(runSecondsOption())
    .option('--report <file.html>', "write the class's result as one static page: a row per board, each finding once with the boards it applies to")
    .option(
      '--watch-ports',
      'keep running and sync each MicroPython-looking port as it is plugged in (and each --port path when it appears), with a live grid; Ctrl-C prints the summary',
    )
    .option('--retry-failed', 'sync only the boards whose last sync in the roster did not go through (failed, or never synced)');
  projectCommand(
    'watch',
    'sync, then sync again (only what changed) every time a file in the project is saved; Ctrl-C stops',
    'remove board files under the destination that are not in the project',
    'runWatch',
    () => import('./actions/watch.ts'),
  )
    .addOption(runOption())
    .addOption(runSecondsOption());

  withPort(
    program
      .command('label')
      .description('name the board in the class\'s roster, e.g. "Table 3 · Ada"; the name is kept by the board\'s id')
      .argument('<name>', 'the name'),
  )
    .option('--roster <file>', 'the roster file (default: mpysync-roster.json in this folder)')
    .option('--json', JSON_HELP)
    .action(action(() => import('./actions/roster.ts'), 'runLabel'));

  program
    .command('roster')
    .description('the class: every board in the roster, its name, when it was last seen, and how its last sync went')
    .option('--roster <file>', 'the roster file (default: mpysync-roster.json in this folder)')
    .option('--json', JSON_HELP)
    .action(action(() => import('./actions/roster.ts'), 'runRoster'));

  withPort(program.command('exec').description('run Python code on the board and print what it prints').argument('<code>', 'Python source'))
    .option('--timeout <seconds>', 'interrupt the code (Ctrl-C) when it is still running after this long (default: 60)', parseSeconds)
    .option('--json', `${JSON_HELP}: {"stdout", "error"} once the code has finished`)
    .action(action(boardFiles, 'runExec'));

  withPort(program.command('ls').description('list a folder on the board').argument('[path]', "the folder (default: the board's current folder)"))
    .option('--json', JSON_HELP)
    .action(action(boardFiles, 'runLs'));

  withPort(program.command('cat').description('print a file from the board, bytes as they are').argument('<path>', 'the file on the board'))
    .option('--json', `${JSON_HELP}: {"path", "size", "text"}, or "base64" when the file is not UTF-8`)
    .action(action(boardFiles, 'runCat'));

  withPort(program.command('rm').description('remove a file, or with -r a folder, on the board').argument('<path>', 'the file or folder on the board'))
    .option('-r, --recursive', 'remove folders and what they hold')
    .option('-y, --yes', 'remove without asking, even everything or a folder of many files (needed where nobody can answer: a script, --json)')
    .option('--json', JSON_HELP)
    .action(action(boardFiles, 'runRm'));

  program
    .command('install')
    .description("install micropython-lib packages (or GitHub ones) on each board, each file checked like a sync's")
    .argument('<packages...>', 'name[@version] from the index, github:ORG/REPO[/PATH][@REF], or a URL to a package.json')
    .option('-p, --port <port>', `${PORT_HELP}; repeat for several boards (default: auto)`, collect)
    .option('--all', 'every MicroPython-looking port on this machine')
    .option('--target <dir>', 'folder on the board (default: the first sys.path entry ending in /lib, as mip chooses)')
    .option('--index <url>', 'the package index', 'https://micropython.org/pi/v2')
    .option('--json', JSON_HELP)
    .action(action(() => import('./actions/install.ts'), 'runInstall'));

  withPort(program.command('repl').description('interactive terminal to the board (Ctrl-] leaves)')).action(
    action(() => import('./actions/repl.ts'), 'runRepl'),
  );

  program
    .command('virtual')
    .description('serve a virtual MicroPython 1.27 board (WebAssembly) on a pseudo-terminal until stopped')
    .option('--json', 'print {"port", "pid", "id"} as the first line')
    .option('--persist <dir>', "keep the board's filesystem in this folder (loaded at start, saved after every command)")
    .option('--no-raw-paste', 'decline raw-paste, like firmware older than 1.14')
    .option(
      '--baud <rate>',
      'behave like a board behind a USB-serial bridge (CP2102, CH340) at this baud rate: bytes cross each way ' +
        'no faster than rate/10 per second (8N1), e.g. 115200 for a classroom ESP32 DevKit (default: no limit, memory speed)',
      parseBaud,
    )
    .option(
      '--heap <size>',
      'give MicroPython a heap of this size that cannot grow, e.g. 256K as an RP2040 has, so it runs out of memory as a board does ' +
        '(default: the WebAssembly heap, which grows on demand)',
      parseHeapSize,
    )
    .option(
      '--fragment <size>',
      'with --heap: start with the heap in pieces no larger than this, e.g. 3K, as a program that ran leaves it ' +
        '(gc.mem_free() stays high; a soft reset frees it)',
      parseHeapSize,
    )
    .option('--no-listed', 'a private board: not listed by `mpysync ports`, not found by --all')
    .addOption(new Option('--exit-with-parent', 'stop when the process that started this one ends').hideHelp())
    .action(action(() => import('./actions/virtual.ts'), 'runVirtual'));

  return program;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600)
    throw new InvalidArgumentError('Give a number of seconds more than 0 and at most 3600, e.g. 3 or 0.5.');
  return seconds;
}

/** "256K", "1M" or bytes. */
function parseHeapSize(value: string): number {
  const match = /^\s*(\d+)\s*([kKmM]?)\s*$/.exec(value);
  const bytes = match ? Number(match[1]) * { '': 1, k: 1024, m: 1024 * 1024 }[match[2]!.toLowerCase() as '' | 'k' | 'm'] : NaN;
  if (!(bytes >= 512 && bytes <= 64 * 1024 * 1024)) throw new InvalidArgumentError('Give a size from 512 to 64M, in bytes or with K or M, e.g. 256K or 3K.');
  return bytes;
}

function parseBaud(value: string): number {
  const baud = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(baud) || baud < 300 || baud > 10_000_000) {
    throw new InvalidArgumentError('Give a whole number of bits per second between 300 and 10000000, e.g. 115200.');
  }
  return baud;
}
