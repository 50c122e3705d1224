import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// A compile cache of this run's own: a verdict cached by an earlier run would let a test pass without compiling.
process.env.MPYSYNC_CACHE_DIR ??= mkdtempSync(join(tmpdir(), 'mpysync-test-cache-'));
// Virtual boards the tests list (mpysync virtual) are announced here, not beside the user's own.
process.env.MPYSYNC_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'mpysync-test-runtime-'));

export default defineConfig({
  test: {
    globalSetup: ['test/global-build.ts'],
    env: { MPYSYNC_CACHE_DIR: process.env.MPYSYNC_CACHE_DIR, MPYSYNC_RUNTIME_DIR: process.env.MPYSYNC_RUNTIME_DIR },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          testTimeout: 20_000,
        },
      },
      {
        // Real MicroPython firmware: the WebAssembly port behind a pty, and the micro:bit in qemu.
        // One file at a time: the files start boards of their own (qemu, socat, WebAssembly
        // processes), and on 2 cores two files at once starve qemu's emulated UART, which then
        // drops bytes that a real 115200-baud line would have delivered.
        test: {
          name: 'real',
          sequence: { groupOrder: 1 },
          include: ['test/real/**/*.test.ts', 'test/reliability/**/*.test.ts', 'test/package/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          maxWorkers: 1,
        },
      },
      {
        test: {
          name: 'browser',
          sequence: { groupOrder: 2 },
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
