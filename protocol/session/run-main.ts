/**
 * Proof that the program runs: after a sync, the board restarts as on power-up (boot.py, then
 * main.py), and what it prints for a bounded time is the result. A traceback becomes a problem of
 * the file and line it names. A main.py that never ends is fine: what it printed so far is the
 * result, and the board is left running it.
 */
import type { SourceProblem } from '../plan/source-check.ts';
import { decodeLenient, type RawRepl } from '../repl/index.ts';

export interface RunReport {
  /** What boot.py and main.py printed after the soft reset (the reset's and the REPL's banners aside). */
  output: string;
  /** The traceback's last line when the program ended with an exception, else null. */
  error: string | null;
  /** false: still running when the time was up; it was left running. */
  ended: boolean;
  seconds: number;
}

export async function runAfterSync(repl: RawRepl, seconds: number): Promise<{ run: RunReport; problems: SourceProblem[] }> {
  const { output, ended } = await repl.runAfterSoftReset(seconds * 1000);
  return readRun(decodeLenient(output), ended, seconds);
}

const TRACEBACK = /Traceback \(most recent call last\):\n((?: {2}[^\n]*\n)*)([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)\b[^\n]*)/;

/** What the program printed before its traceback, and the traceback with what follows it ('' when it raised nothing). */
export function splitTraceback(output: string): { printed: string; traceback: string } {
  const at = TRACEBACK.exec(output)?.index ?? output.length;
  return { printed: output.slice(0, at), traceback: output.slice(at) };
}

export function readRun(raw: string, ended: boolean, seconds: number): { run: RunReport; problems: SourceProblem[] } {
  let output = raw.replace(/\r\n/g, '\n').replace(/^[\s\S]*?soft reboot\n/, '');
  // The friendly REPL's banner (`MicroPython v1.27.0 on …\nType "help()" `) comes after the program, with a blank line on some ports.
  const banner = ended ? /\n*MicroPython v[^\n]*\nType "help\(\)" ?$/.exec(output) : null;
  if (banner) {
    const before = output.slice(0, banner.index);
    output = before && banner[0].startsWith('\n') ? before + '\n' : before;
  }
  const traceback = TRACEBACK.exec(output);
  if (!traceback) return { run: { output, error: null, ended, seconds }, problems: [] };
  const frames = [...traceback[1]!.matchAll(/File "([^"]+)", line (\d+)/g)];
  const last = frames.at(-1);
  const file = last ? last[1]!.replace(/^\//, '') : 'main.py';
  const line = last ? Number(last[2]) : null;
  const error = traceback[2]!.trim();
  const problem: SourceProblem = {
    file,
    line,
    kind: 'run',
    message: `${file}${line ? `:${line}` : ''}: ${error} (raised when the board ran main.py after the sync)`,
  };
  return { run: { output, error, ended, seconds }, problems: [problem] };
}
