import type { Command } from 'commander';
import { formatUsbId } from '../../../protocol/usb-ids';
import { listPorts, type PortInfo } from '../../ports';
import { colours as c, printJson, table } from '../output';

export function portsTable(ports: readonly PortInfo[]): string {
  if (ports.length === 0) return 'no serial ports found. Plug a board in, or try `mpysync virtual`.';
  const rows = [['PORT', 'VID:PID', 'LIKELY BOARD', 'MANUFACTURER / PRODUCT'].map((h) => c.bold(h))];
  for (const port of ports) {
    const board = port.identity.board ?? '-';
    rows.push([
      port.path,
      formatUsbId(port.vid, port.pid) || '-',
      port.identity.likelyMicroPython ? c.green(board) : c.dim(board),
      [port.manufacturer, port.product].filter(Boolean).join(' / ') || '-',
    ]);
  }
  return table(rows);
}

export function register(program: Command): void {
  program
    .command('ports')
    .description('list serial ports with their USB IDs and the board they probably are')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const ports = await listPorts();
      if (opts.json) printJson(ports);
      else process.stdout.write(portsTable(ports) + '\n');
    });
}
