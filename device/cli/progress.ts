/** What the user sees while boards sync: one bar per board on a terminal, plain lines in a pipe or a file. */
import type { Plan } from '../../protocol/plan/plan.ts';
import type { BoardEvent } from '../../protocol/session/sync-board.ts';
import { formatBytes } from './output.ts';

export interface ProgressView {
  update(board: number, event: BoardEvent): void;
  log(message: string): void;
  stop(): void;
}

/**
 * Bars only for a terminal (cli-progress is loaded then, and only then). `labelOf` gives the
 * roster's name of a board once it is probed: its rows say "Table 3 · Ada (/dev/ttyACM0)" from then on.
 */
export async function progressFor(ports: string[], labelOf: (id: string | null) => string | null = () => null): Promise<ProgressView> {
  const names = [...ports];
  const named = (i: number, event: BoardEvent) => {
    const label = event.type === 'probed' ? labelOf(event.probe.uniqueId) : null;
    if (label) names[i] = `${label} (${ports[i]})`;
  };
  if (!process.stderr.isTTY) return new LineProgress(names, named);
  const { BarProgress } = await import('./progress-bars.ts');
  return new BarProgress(names, named);
}

/** Renames a board's rows from its 'probed' event on. */
export type NameFromEvent = (board: number, event: BoardEvent) => void;

/** What a board's plan will do, in one line, said before the first byte is sent. */
export function planLine(port: string, plan: Plan): string {
  const count = (action: string) => plan.entries.filter((e) => e.action === action).length;
  const parts = [
    `${count('upload')} to send (${formatBytes(plan.uploadBytes)})`,
    `${count('skip')} unchanged`,
    count('refuse') ? `${count('refuse')} refused` : '',
    count('delete') ? `${count('delete')} to delete` : '',
  ].filter(Boolean);
  return `[${port}] plan: ${parts.join(', ')}${plan.blockers.length ? `; blocked: ${plan.blockers.join('; ')}` : ''}`;
}

class LineProgress implements ProgressView {
  constructor(
    private readonly ports: string[],
    private readonly named: NameFromEvent,
  ) {}
  update(i: number, event: BoardEvent): void {
    this.named(i, event);
    const port = this.ports[i]!;
    if (event.type === 'planned') process.stderr.write(planLine(port, event.plan) + '\n');
    if (event.type === 'file-done') process.stderr.write(`[${port}] sent ${event.remote} (${event.bytes} B)\n`);
    if (event.type === 'file-failed') process.stderr.write(`[${port}] FAILED ${event.file}: ${event.error}\n`);
    if (event.type === 'file-retry') process.stderr.write(`[${port}] sending ${event.file} again: ${event.error}\n`);
  }
  log(message: string): void {
    process.stderr.write(`mpysync: ${message}\n`);
  }
  stop(): void {}
}
