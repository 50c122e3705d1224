/**
 * Two linked pseudo-terminals from Debian `socat`: bytes written to one come out of the other.
 * A fake peer for transport tests; `stop()` kills socat, which makes both ends go away.
 */
import { spawn } from 'node:child_process';

export interface PtyPair {
  a: string;
  b: string;
  pid: number;
  /** Kill socat (SIGTERM by default) and wait for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const START_TIMEOUT_MS = 5000;

export async function startPtyPair(): Promise<PtyPair> {
  const socat = spawn('socat', ['-d', '-d', 'PTY,raw,echo=0', 'PTY,raw,echo=0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  let log = '';
  const paths = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => {
      socat.kill('SIGKILL');
      reject(new Error(`socat did not report two ptys within ${START_TIMEOUT_MS} ms; it said: ${log}`));
    }, START_TIMEOUT_MS);
    socat.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error('socat is not installed: this test needs Debian `socat` (apt-get install socat)') : error);
    });
    socat.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited with code ${code} before reporting its ptys: ${log}`));
    });
    socat.stderr.setEncoding('utf8');
    socat.stderr.on('data', (text: string) => {
      log += text;
      const found = [...log.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1]!);
      // "starting data transfer loop" comes after both ptys are set up.
      if (found.length === 2 && /starting data transfer loop/.test(log)) {
        clearTimeout(timer);
        resolve([found[0]!, found[1]!]);
      }
    });
  });
  socat.stderr.removeAllListeners('data');
  socat.stderr.resume();
  return {
    a: paths[0],
    b: paths[1],
    pid: socat.pid!,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (socat.exitCode === null && socat.signalCode === null) process.kill(socat.pid!, signal);
      await exited;
    },
  };
}
