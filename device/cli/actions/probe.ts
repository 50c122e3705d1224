import { probeBoard, type BoardProbe } from '../../../protocol/probe/probe.ts';
import { colours as c, formatBytes, printJson } from '../output.ts';
import { withBoard } from '../with-board.ts';

export function describeProbe(port: string, p: BoardProbe): string {
  const abi = p.mpy
    ? `.mpy ${p.mpy.label} (loads files from MicroPython ${p.mpy.releases})`
    : c.yellow('no .mpy support reported (no sys.implementation._mpy): ship .py files');
  const features = Object.entries(p.features)
    .map(([k, v]) => (v ? c.green(k) : c.dim(`no ${k}`)))
    .join(', ');
  return [
    `${c.bold(port)}`,
    `  firmware   ${p.implementation.name} ${p.implementation.version}${p.implementation.build ? ` (${p.implementation.build})` : ''}`,
    `  machine    ${p.implementation.machine ?? 'unknown'} · sys.platform ${p.platform}`,
    `  id         ${p.uniqueId ?? c.dim('none (no machine.unique_id())')}`,
    `  ABI        ${abi}`,
    `  small ints ${p.smallIntBits} bits`,
    `  storage    ${formatBytes(p.fs.free)} free of ${formatBytes(p.fs.total)}${p.fs.dirs ? '' : ' (flat: no folders)'}`,
    `  RAM free   ${formatBytes(p.memFree)}`,
    `  features   ${features}`,
  ].join('\n');
}

export async function runProbe(opts: { port: string; json?: boolean }): Promise<void> {
  await withBoard(opts.port, async (board) => {
    const started = performance.now();
    const probe = await probeBoard(board.repl);
    const probeMs = Math.round(performance.now() - started);
    if (opts.json) printJson({ port: board.label, ...probe, probeMs });
    else process.stdout.write(describeProbe(board.label, probe) + '\n');
  });
}
