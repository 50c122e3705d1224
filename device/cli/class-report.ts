/**
 * `sync --report FILE.html`: the class's result as one static page for the teacher: a row per
 * board (its state and counts), then each finding said once with the boards it applies to
 * (findings.ts). No script, no outside resource: it opens anywhere, offline.
 */
import type { BoardReport } from '../sync-runner.ts';
import { boardName } from './board-names.ts';
import { groupFindings } from './findings.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const KIND = { refused: 'Will not load', substitute: 'Sent instead', problem: 'Will not work' } as const;

export function classReportHtml(reports: readonly BoardReport[], when: Date, project: string): string {
  const rows = reports
    .map(
      (r) => `<tr class="${r.status}">
<td>${escape(boardName(r))}</td><td>${escape(r.firmware ?? '?')}</td><td>${escape(r.abi ?? '?')}</td>
<td>${r.uploaded.length}</td><td>${r.skipped.length}</td><td>${r.refused.length}</td>
<td class="state">${escape(r.error ?? r.status)}</td></tr>`,
    )
    .join('\n');
  const findings = groupFindings(reports, boardName)
    .map(
      (f) => `<li><strong>${KIND[f.kind]}</strong> ${escape(f.text)}
<div class="boards">${f.boards.length === reports.length ? 'every board' : `${f.boards.length} of ${reports.length} boards`}: ${f.boards.map(escape).join(', ')}</div></li>`,
    )
    .join('\n');
  const ok = reports.filter((r) => r.status === 'ok').length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>mpysync: ${escape(project)}, ${reports.length} board(s)</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
tr.ok .state{color:#1a7f37}tr.problems .state{color:#9a6700}tr.failed .state{color:#cf222e}
li{margin:.6rem 0}.boards{color:#57606a;font-size:.9rem}
</style></head><body>
<h1>${escape(project)}</h1>
<p>Synced ${escape(when.toISOString().replace('T', ' ').slice(0, 16))} UTC to ${reports.length} board(s): ${ok} ok, ${reports.length - ok} not.</p>
<table><thead><tr><th>Board</th><th>Firmware</th><th>.mpy</th><th>Sent</th><th>Unchanged</th><th>Refused</th><th>Result</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${findings ? `<h2>What will not work, and where</h2>\n<ul>\n${findings}\n</ul>` : '<p>Nothing was refused and nothing was found that will not work.</p>'}
</body></html>
`;
}
