/**
 * Busy boards, on the BBC micro:bit in qemu (MicroPython 1.9.2): its UART is served by qemu while
 * a program runs, so Ctrl-C reaches a running program as on real hardware (the WebAssembly port
 * cannot be interrupted at all). A program is started by hand in the raw REPL and left running;
 * then the next `mpysync exec` must get in, or fail clearly within its deadline.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RawSession, startMicrobit, type BoardProcess } from '../helpers/boards.ts';
import { runCli, type CliRun } from '../helpers/hostile.ts';

const RAW_BANNER = 'raw REPL; CTRL-B to exit\r\n>';
const STEP_MS = 10_000;
/** Getting in past a chatty program: a few Ctrl-C, one banner. Generous for a loaded CI runner. */
const GETS_IN_MS = 10_000;
/** A board that ignores Ctrl-C: the same promise as a wrong port. */
const GIVES_UP_MS = 5_000;

/** Starts `code` from the raw REPL and leaves it running (the port is closed, the program is not). */
async function leaveRunning(port: string, code: string): Promise<void> {
  const session = await RawSession.open(port);
  try {
    await session.write('\r\x03\r\x01');
    await session.readUntil(RAW_BANNER, STEP_MS);
    await session.write(code + '\x04');
    await session.readUntil('OK', STEP_MS);
  } finally {
    await session.close();
  }
}

function report(run: CliRun): string {
  return `${Math.round(run.ms)} ms, exit ${run.code}: ${run.stdout.toString().slice(0, 200)}${run.stderr}`;
}

describe('busy micro:bit boards', () => {
  let chatty: BoardProcess;
  let deaf: BoardProcess;

  beforeAll(async () => {
    [chatty, deaf] = await Promise.all([startMicrobit(), startMicrobit()]);
  });
  afterAll(async () => {
    await Promise.all([chatty?.stop(), deaf?.stop()]);
  });

  test('a program that prints without end: the next command still gets in', async () => {
    await leaveRunning(chatty.port, "while True: print('x')");
    const run = await runCli(['exec', 'print(6 * 7)', '--port', chatty.port]);
    console.info(report(run));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.toString()).toBe('42\r\n');
    expect(run.ms).toBeLessThan(GETS_IN_MS);
  });

  test('a program that turned Ctrl-C off and prints without end: fails within 5 s, saying to reset the board', async () => {
    await leaveRunning(chatty.port, "import micropython\nmicropython.kbd_intr(-1)\nwhile True: print('busy')");
    const run = await runCli(['exec', 'print(1)', '--port', chatty.port]);
    console.info(report(run));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /could not enter the raw REPL on .* got '.*busy.*' — is this a MicroPython board\? \(no raw REPL banner came back; if a program that ignores Ctrl-C is running, reset the board and retry\)/,
    );
    expect(run.ms).toBeLessThan(GIVES_UP_MS);
  });

  test('a silent endless loop with Ctrl-C turned off: fails within 5 s, saying to press reset', async () => {
    await leaveRunning(deaf.port, 'import micropython\nmicropython.kbd_intr(-1)\nwhile True: pass');
    const run = await runCli(['exec', 'print(1)', '--port', deaf.port]);
    console.info(report(run));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/received nothing in .* turned Ctrl-C off \(micropython\.kbd_intr\(-1\)\).*press the board's reset button and retry/);
    expect(run.ms).toBeLessThan(GIVES_UP_MS);
  });
});
