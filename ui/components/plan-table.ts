import { css, html, LitElement, nothing } from 'lit';
import type { Plan } from '../../protocol/plan/plan.ts';
import type { SourceProblem } from '../../protocol/plan/source-check.ts';
import { planRows, type RowAction } from '../plan-rows.ts';
import type { SyncProgress } from '../state/views.ts';
import { sharedStyles } from './shared-styles.ts';

const ACTION_LABEL: Record<RowAction, { text: string; tone: string }> = {
  upload: { text: 'upload', tone: 'info' },
  skip: { text: 'skip', tone: '' },
  substitute: { text: 'substitute', tone: 'warn' },
  refuse: { text: 'refuse', tone: 'bad' },
  delete: { text: 'delete', tone: 'warn' },
};

const STATUS_LABEL = { waiting: '…', sent: 'sent ✓', failed: 'failed ✗' } as const;

/** The plan for one board: file, action, and why. */
export class PlanTable extends LitElement {
  static override properties = {
    plan: { attribute: false },
    progress: { attribute: false },
    problems: { attribute: false },
    caption: {},
  };
  declare plan: Plan | null;
  declare progress: SyncProgress | null;
  declare problems: SourceProblem[];
  declare caption: string;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        container-type: inline-size;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 0.92rem;
      }
      caption {
        text-align: left;
        font-weight: 700;
        padding: 0 0 0.4rem;
      }
      th,
      td {
        text-align: left;
        vertical-align: top;
        padding: 0.45rem 0.5rem;
        border-top: 1px solid var(--mps-border);
      }
      th {
        font-size: 0.78rem;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--mps-muted);
        border-top: none;
      }
      td.file {
        font-family: var(--mps-mono);
        font-size: 0.86rem;
        white-space: nowrap;
      }
      td.status {
        white-space: nowrap;
        font-size: 0.85rem;
      }
      .status.sent {
        color: var(--mps-ok);
        font-weight: 700;
      }
      .status.failed {
        color: var(--mps-bad);
        font-weight: 700;
      }
      tr.refuse td {
        background: color-mix(in srgb, var(--mps-bad-bg) 55%, transparent);
      }
      tr.substitute td,
      tr.problem td {
        background: color-mix(in srgb, var(--mps-warn-bg) 55%, transparent);
      }
      .problem-note {
        display: block;
        margin-top: 0.3rem;
      }
      .explanation {
        line-height: 1.4;
      }
      .fix {
        display: block;
        margin-top: 0.3rem;
      }
      .board-error {
        display: block;
        margin-top: 0.25rem;
        font-size: 0.82rem;
        color: var(--mps-muted);
      }
      .blockers {
        color: var(--mps-bad);
        font-weight: 600;
      }
      /* A narrow card (phone, or many boards side by side): file and badges on one line, the why below. */
      @container (max-width: 680px) {
        thead {
          display: none;
        }
        tr {
          display: grid;
          grid-template-columns: 1fr auto auto;
          align-items: baseline;
          border-top: 1px solid var(--mps-border);
          padding: 0.35rem 0;
        }
        td {
          border: none;
          padding: 0.2rem 0.4rem;
        }
        td.file {
          white-space: normal;
          overflow-wrap: anywhere;
        }
        td.detail {
          grid-column: 1 / -1;
        }
        td.status:empty {
          display: none;
        }
      }
    `,
  ];

  override render() {
    if (!this.plan) return nothing;
    const rows = planRows(this.plan, this.progress, this.problems ?? []);
    const showStatus = this.progress !== null;
    return html`
      ${this.plan.blockers.map((b) => html`<p class="blockers" role="alert">${b}</p>`)}
      <table>
        <caption>${this.caption}</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Action</th>
            <th scope="col">Why</th>
            ${showStatus ? html`<th scope="col">Progress</th>` : nothing}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (row) => html`
              <tr class="${row.action} ${row.problem ? 'problem' : ''}" data-file=${row.file} data-action=${row.action} data-problem=${row.problem ? 'yes' : 'no'}>
                <td class="file">${row.file}</td>
                <td><span class="badge ${ACTION_LABEL[row.action].tone}">${ACTION_LABEL[row.action].text}</span></td>
                <td class="detail">
                  <span class="explanation">${row.detail}</span>
                  ${row.fix ? html`<span class="fix"><strong>To fix:</strong> ${row.fix}</span>` : nothing}
                  ${row.problem ? html`<span class="problem-note"><strong>Will not work:</strong> ${row.problem}</span>` : nothing}
                  ${row.boardError ? html`<span class="board-error">The board would say: <code>${row.boardError}</code></span>` : nothing}
                </td>
                ${showStatus ? html`<td class="status ${row.status ?? ''}">${row.status ? STATUS_LABEL[row.status] : ''}</td>` : nothing}
              </tr>
            `,
          )}
          ${rows.length === 0 ? html`<tr><td colspan="4" class="muted">The folder has no files to send.</td></tr>` : nothing}
        </tbody>
      </table>
    `;
  }
}
customElements.define('mps-plan-table', PlanTable);

declare global {
  interface HTMLElementTagNameMap {
    'mps-plan-table': PlanTable;
  }
}
