import { formatUsbId } from '../../../protocol/usb-ids.ts';
import { listPorts, type PortInfo } from '../../ports.ts';
import { colours as c, printJson, table } from '../output.ts';

export function portsTable(ports: readonly PortInfo[]): string {
  if (ports.length === 0) return 'no serial ports found. Plug a board in, or start one with `mpysync virtual`.';
  const rows = [['PORT', 'VID:PID', 'LIKELY BOARD', 'SERIAL / ID', 'MANUFACTURER / PRODUCT'].map((h) => c.bold(h))];
  for (const port of ports) {
    const board = port.identity.board ?? '-';
    rows.push([
      port.path,
      formatUsbId(port.vid, port.pid) || '-',
      port.identity.likelyMicroPython ? c.green(board) : c.dim(board),
      port.id ?? port.serialNumber ?? '-',
      [port.manufacturer, port.product].filter(Boolean).join(' / ') || '-',
    ]);
  }
  return table(rows);
}

export async function runPorts(opts: { json?: boolean }): Promise<void> {
  const ports = await listPorts();
  if (opts.json) printJson(ports);
  else process.stdout.write(portsTable(ports) + '\n');
}
