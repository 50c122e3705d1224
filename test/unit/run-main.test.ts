import { describe, expect, it } from 'vitest';
import { readRun } from '../../protocol/session/run-main.ts';

describe('readRun: what a board printed after its soft reset', () => {
  it('drops the reset line and the REPL banner after the program, and keeps what the program printed', () => {
    const raw = 'MPY: soft reboot\r\nhello 42\r\n\r\nMicroPython v1.27.0 on 2025-12-09; Raspberry Pi Pico with RP2040\r\nType "help()" ';
    expect(readRun(raw, true, 3)).toEqual({ run: { output: 'hello 42\n', error: null, ended: true, seconds: 3 }, problems: [] });
    expect(readRun('MPY: soft reboot\r\nMicroPython v1.9.2 on 2017-09-01; micro:bit v1.0.1 with nRF51822\r\nType "help()" ', true, 3).run.output).toBe('');
  });

  it('a program still running keeps all it printed, banner-like text included', () => {
    const { run } = readRun('up\r\ntick 1\r\nMicroPython v1 fan club\r\nType "help()" ', false, 2);
    expect(run).toMatchObject({ ended: false, output: 'up\ntick 1\nMicroPython v1 fan club\nType "help()" ' });
  });

  it("a traceback names the innermost frame's file and line; a path on the board loses its leading /", () => {
    const raw =
      'Traceback (most recent call last):\r\n  File "main.py", line 2, in <module>\r\n  File "/lib/sensor.py", line 9, in read\r\nOSError: [Errno 19] ENODEV\r\n';
    const { run, problems } = readRun(raw, true, 3);
    expect(run.error).toBe('OSError: [Errno 19] ENODEV');
    expect(problems).toEqual([
      {
        file: 'lib/sensor.py',
        line: 9,
        kind: 'run',
        message: 'lib/sensor.py:9: OSError: [Errno 19] ENODEV (raised when the board ran main.py after the sync)',
      },
    ]);
  });
});
