/**
 * `sync --watch-ports`: one row per board (its roster name or id, port, firmware, ABI, state), redrawn in place on a
 * terminal; elsewhere (a pipe, a file, --json's stderr) a line when a board is found, planned and done.
 */
import type { BoardEvent } from '../../protocol/session/sync-board.ts';
import type { BoardReport } from '../sync-runner.ts';
import { colours as c, table } from './output.ts';
import { planLine } from './progress.ts';

export interface Row {
  /** ok, problems or failed once the board's sync is over. */
  finished?: string;
  port: string;
  name: string;
  firmware: string;
  abi: string;
  state: string;
  total: number;
}

/** At most this often a terminal's grid is drawn again (a 30-board class sends many progress events). */
const REDRAW_MS = 100;

export class BoardGrid {
  private readonly rows = new Map<string, Row>();
  private drawnLines = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly live: boolean,
    /** The roster's name for a board's id, once it is probed. */
    private readonly labelOf: (id: string | null) => string | null = () => null,
  ) {}

  /** A board found on `port`; `key` tells apart two syncs of a board plugged in twice. */
  add(key: string, port: string): void {
    this.rows.set(key, { port, name: '', firmware: '', abi: '', state: 'connecting', total: 0 });
    this.line(port, 'found; connecting');
    this.changed();
  }

  event(key: string, event: BoardEvent): void {
    const row = this.rows.get(key);
    if (!row) return;
    if (event.type === 'probed') {
      row.name = this.labelOf(event.probe.uniqueId) ?? event.probe.uniqueId ?? '';
      row.firmware = `${event.probe.implementation.name} ${event.probe.implementation.version}`;
      row.abi = event.probe.mpy?.label ?? 'no .mpy';
      row.state = 'planning';
    } else if (event.type === 'planned') {
      row.state = 'planned';
      if (!this.live) this.out.write(planLine(row.port, event.plan) + '\n');
    } else if (event.type === 'start') {
      row.total = event.bytes;
      row.state = 'sending 0%';
    } else if (event.type === 'progress') {
      const percent = row.total ? Math.floor((100 * event.doneBytes) / row.total) : 100;
      row.state = percent >= 100 ? 'checking' : `sending ${percent}%`;
    } else if (event.type === 'file-failed') {
      this.line(row.port, `FAILED ${event.file}: ${event.error}`);
    } else return;
    this.changed();
  }

  finish(key: string, report: BoardReport, result: string): void {
    const row = this.rows.get(key);
    if (!row) return;
    row.name = report.label ?? report.id ?? row.name;
    row.firmware = report.firmware ?? row.firmware;
    row.abi = report.abi ?? row.abi;
    row.state = result;
    row.finished = report.status;
    this.line(row.port, `${report.label ? `${report.label}: ` : ''}${result}`);
    this.changed();
  }

  log(message: string): void {
    this.erase();
    this.out.write(`mpysync: ${message}\n`);
    this.draw();
  }

  /** The last grid stays on the screen. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.live) {
      this.erase();
      this.draw();
    }
  }

  private line(port: string, text: string): void {
    if (!this.live) this.out.write(`[${port}] ${text}\n`);
  }

  private changed(): void {
    if (!this.live || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.erase();
      this.draw();
    }, REDRAW_MS);
  }

  private erase(): void {
    if (!this.live || !this.drawnLines) return;
    this.out.write(`\x1b[${this.drawnLines}F\x1b[J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    if (!this.live || !this.rows.size) return;
    const text = gridText([...this.rows.values()], (this.out.rows || 24) - 2);
    this.out.write(text);
    this.drawnLines = text.split('\n').length - 1;
  }
}

/**
 * The grid as it fits `height` lines: every row while they fit; past that (30 boards in a small
 * terminal, where redrawing above the screen's top would leave copies behind), the finished boards
 * become one line of counts and the boards still busy keep their rows.
 */
export function gridText(rows: readonly Row[], height: number): string {
  const line = (r: Row) => [r.name || c.dim('…'), r.port, r.firmware || '…', r.abi || '…', r.state];
  const header = ['board', 'port', 'firmware', 'ABI', 'state'].map((h) => c.bold(h));
  let text = table([header, ...rows.map(line)]) + '\n';
  if (rows.length + 1 > height) {
    const busy = rows.filter((r) => !r.finished);
    const counts = new Map<string, number>();
    for (const r of rows) if (r.finished) counts.set(r.finished, (counts.get(r.finished) ?? 0) + 1);
    const done = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
    const shown = busy.slice(0, Math.max(1, height - 2));
    text =
      `${rows.length} boards: ${done || 'none finished'}${busy.length ? `; ${busy.length} busy` : ''}` +
      (busy.length > shown.length ? ` (${busy.length - shown.length} not shown)` : '') +
      '\n' +
      (shown.length ? table([header, ...shown.map(line)]) + '\n' : '');
  }
  return text;
}
