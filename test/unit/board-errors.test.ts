import { describe, expect, it } from 'vitest';
import { readOsError } from '../../protocol/board-ops/board-errors.ts';

describe("a board's file errors in words", () => {
  it('reads the number as the board means it: Emscripten values on the WebAssembly port, the usual ones elsewhere', () => {
    expect(readOsError('mps-e# 44 webassembly\r\n', 'cat', 'x.py')).toMatchObject({ errno: 'ENOENT', message: 'no such file or folder on the board: x.py' });
    expect(readOsError('mps-e# 2 rp2\r\n', 'cat', 'x.py')).toMatchObject({ errno: 'ENOENT' });
    // 2 is EACCES on Emscripten: the same number, another meaning.
    expect(readOsError('mps-e# 2 webassembly\r\n', 'rm', 'x.py')).toMatchObject({ errno: 'EACCES' });
    expect(readOsError('mps-e# 21 esp32\r\n', 'rm', 'lib')?.message).toBe('lib is a folder: use rm -r to remove it and what it holds');
    expect(readOsError('mps-e# 39 rp2\r\n', 'rm -r', 'lib')).toMatchObject({ errno: 'ENOTEMPTY' });
    expect(readOsError('mps-e# 28 esp8266\r\n', 'cat', 'big')?.message).toBe("the board's file system is full (cat big)");
  });

  it("reads the micro:bit's messages, its flat file system, an unknown number, and no error at all", () => {
    expect(readOsError('mps-e# file not found microbit\r\n', 'cat', 'nope.py')).toMatchObject({ errno: 'ENOENT' });
    expect(readOsError('mps-e# flat microbit\r\n', 'ls', 'lib')?.message).toMatch(/has no folders/);
    expect(readOsError('mps-e# 99 rp2\r\n', 'ls', '')?.message).toBe("the board could not ls the board's current folder: OSError 99");
    expect(readOsError("('F', 'main.py', 12)\r\n", 'ls', '')).toBeNull();
  });
});
