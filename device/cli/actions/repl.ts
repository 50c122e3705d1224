import { openTransport } from '../../connect.ts';

const CTRL_RIGHT_BRACKET = 0x1d;

/** An interactive terminal on the board's friendly REPL; Ctrl-] leaves. */
export async function runRepl(opts: { port: string }): Promise<void> {
  const { transport, label, dispose } = await openTransport(opts.port, (m) => process.stderr.write(`mpysync: ${m}\n`));
  process.stderr.write(`Connected to ${label}. Ctrl-] leaves.\n`);
  transport.setReceiver((bytes) => process.stdout.write(bytes));
  const stdin = process.stdin;
  if (stdin.isTTY) stdin.setRawMode(true);
  await new Promise<void>((resolve) => {
    const finish = () => {
      stdin.off('data', onData);
      stdin.off('end', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      const quit = chunk.indexOf(CTRL_RIGHT_BRACKET);
      const bytes = quit >= 0 ? chunk.subarray(0, quit) : chunk;
      if (bytes.length) void transport.write(bytes).catch(finish);
      if (quit >= 0) finish();
    };
    stdin.on('data', onData);
    stdin.on('end', finish);
    void transport.closed.then((error) => {
      if (error) process.stderr.write(`\nmpysync: ${error.message}\n`);
      finish();
    });
    // Show a prompt: a bare \r on an empty friendly line prints a fresh one; Ctrl-B leaves raw mode.
    void transport.write(new Uint8Array([0x0d, 0x02])).catch(finish);
  });
  if (stdin.isTTY) stdin.setRawMode(false);
  stdin.pause();
  await transport.close();
  await dispose();
  process.stderr.write('\n');
}
