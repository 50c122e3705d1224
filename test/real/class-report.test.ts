/** `sync --report FILE.html` (issue 13 part 4): the class's result as one static page, each finding once. */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVirtualBoard, type BoardProcess } from '../helpers/boards.ts';
import { runCli } from '../helpers/cli.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/sync-project', import.meta.url));

describe('sync --report: a page for the teacher', () => {
  const boards: BoardProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'mpysync-report-'));
  const project = join(dir, 'class-project');
  cpSync(FIXTURE, project, { recursive: true });
  beforeAll(async () => {
    boards.push(await startVirtualBoard(), await startVirtualBoard());
  });
  afterAll(async () => Promise.all(boards.map((b) => b.stop())));

  it('has a row per board and says each refusal once, with the boards it applies to', async () => {
    const report = join(dir, 'report.html');
    const run = await runCli(['sync', project, ...boards.flatMap((b) => ['--port', b.port]), '--report', report], { timeoutMs: 120_000 });
    expect(run.code).toBe(1); // turbo.mpy is refused on both
    expect(run.stderr).toContain(`the class report is in ${report}`);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h1>class-project</h1>');
    for (const b of boards) expect(html).toContain(`<td>${b.port}</td>`);
    expect(html.match(/<tr class="problems">/g)).toHaveLength(2);
    const refusals = html.match(/<strong>Will not load<\/strong> lib\/turbo\.mpy/g);
    expect(refusals).toHaveLength(1);
    expect(html).toContain(`every board: ${boards.map((b) => b.port).join(', ')}`);
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('a report that cannot be written is said, naming the file, with exit code 2', async () => {
    const run = await runCli(['sync', project, '--port', boards[0]!.port, '--report', '/nonexistent/report.html'], { timeoutMs: 60_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot write the report to \/nonexistent\/report\.html: ENOENT/);
  });
});
