import cliProgress from 'cli-progress';
import type { BoardEvent } from '../../protocol/session/sync-board.ts';
import { planLine, type NameFromEvent, type ProgressView } from './progress.ts';

/** One cli-progress row per board on stderr. */
export class BarProgress implements ProgressView {
  private readonly bars: cliProgress.SingleBar[] = [];
  private readonly multi = new cliProgress.MultiBar(
    { format: '{port} |{bar}| {percentage}% {value}/{total} B {file}', stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  constructor(
    private readonly ports: string[],
    private readonly named: NameFromEvent,
  ) {}
  update(i: number, event: BoardEvent): void {
    this.named(i, event);
    if (event.type === 'planned') this.multi.log(planLine(this.ports[i]!, event.plan) + '\n');
    else if (event.type === 'start') this.bars[i] = this.multi.create(Math.max(event.bytes, 1), 0, { port: this.ports[i]!, file: '' });
    else if (event.type === 'progress') this.bars[i]?.update(event.doneBytes);
    else if (event.type === 'file-done') this.bars[i]?.update({ file: event.remote });
  }
  log(message: string): void {
    this.multi.log(`mpysync: ${message}\n`);
  }
  stop(): void {
    this.multi.stop();
  }
}
