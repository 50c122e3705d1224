import { css, html, LitElement, nothing } from 'lit';
import { emit } from '../events.ts';
import { abiLabel, firmwareLabel } from '../format.ts';
import type { BoardView } from '../state/views.ts';
import { ACTIVITY, CONNECTION } from './board-states.ts';
import { sharedStyles } from './shared-styles.ts';

const RESULT = { ok: { text: 'ok', tone: 'ok' }, problems: { text: 'problems', tone: 'warn' }, failed: { text: 'failed', tone: 'bad' } } as const;

/** A class at a glance: one compact row per board; a row's button shows that board's card below. */
export class BoardOverview extends LitElement {
  static override properties = {
    boards: { attribute: false },
    selected: { attribute: false },
    editing: { state: true },
  };
  declare boards: BoardView[];
  declare selected: string | null;
  /** The board whose name is being typed, if any. */
  declare editing: string | null;

  constructor() {
    super();
    this.boards = [];
    this.selected = null;
    this.editing = null;
  }

  static override styles = [
    sharedStyles,
    css`
      .wrap {
        overflow-x: auto;
        border: 1px solid var(--mps-border);
        border-radius: var(--mps-radius);
        margin-bottom: 1rem;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 0.92rem;
      }
      th,
      td {
        text-align: left;
        padding: 0.4rem 0.6rem;
        border-bottom: 1px solid var(--mps-border);
        white-space: nowrap;
      }
      tr:last-child td {
        border-bottom: 0;
      }
      th {
        background: var(--mps-surface-2);
        font-weight: 600;
      }
      tr[aria-selected='true'] td {
        background: var(--mps-info-bg);
      }
      /* A cell of its own inside the td: a flex td is no table cell, and its borders drift. */
      .name > div {
        display: flex;
        align-items: center;
        gap: 0.4rem;
        white-space: normal;
      }
      .name button,
      .show {
        padding: 0.1rem 0.45rem;
        font-size: 0.82rem;
      }
      .name input {
        font: inherit;
        width: 11rem;
        padding: 0.15rem 0.35rem;
      }
      progress {
        width: 5rem;
        vertical-align: middle;
      }
      @media (max-width: 760px) {
        .firmware,
        .abi,
        .name .muted {
          display: none;
        }
        th,
        td {
          padding: 0.35rem 0.4rem;
        }
      }
    `,
  ];

  override render() {
    return html`
      <div class="wrap">
        <table aria-label="Boards">
          <thead>
            <tr>
              <th scope="col">Board</th>
              <th scope="col" class="firmware">Firmware</th>
              <th scope="col" class="abi">ABI</th>
              <th scope="col">State</th>
              <th scope="col">Result</th>
              <th scope="col"><span class="visually-hidden">Show</span></th>
            </tr>
          </thead>
          <tbody>
            ${this.boards.map((b) => this.row(b))}
          </tbody>
        </table>
      </div>
    `;
  }

  private row(b: BoardView) {
    const name = shown(b);
    return html`
      <tr data-board-id=${b.id} data-board=${name} aria-selected=${String(b.id === this.selected)}>
        <td class="name">
          <div>${
            this.editing === b.id
              ? html`<input
                  aria-label=${`Name for ${b.label}`}
                  .value=${b.name ?? ''}
                  placeholder="e.g. Table 3 · Ada"
                  @keydown=${(e: KeyboardEvent) => this.keyInName(e, b.id)}
                  @blur=${(e: FocusEvent) => this.saveName(b.id, (e.target as HTMLInputElement).value)}
                />`
              : html`<span>${name}</span>${name !== b.label ? html`<span class="muted">${b.label}</span>` : nothing}
                  <button
                    ?disabled=${!b.probe?.uniqueId}
                    title=${b.probe?.uniqueId ? `Name this board (kept in this browser by its id ${b.probe.uniqueId})` : 'This board tells no id, so a name could not be kept'}
                    @click=${() => this.startEditing(b.id)}
                  >
                    Rename
                  </button>`
          }</div>
        </td>
        <td class="firmware">${b.probe ? firmwareLabel(b.probe) : '…'}</td>
        <td class="abi">${b.probe ? abiLabel(b.probe) : '…'}</td>
        <td data-state>${this.state(b)}</td>
        <td data-overview-result=${b.result?.status ?? ''}>
          ${b.result ? html`<span class="badge ${RESULT[b.result.status].tone}">${RESULT[b.result.status].text}</span>` : html`<span class="muted">—</span>`}
        </td>
        <td><button class="show" ?disabled=${b.id === this.selected} @click=${() => emit(this, 'mps-select', { id: b.id })}>Show</button></td>
      </tr>
    `;
  }

  private state(b: BoardView) {
    if (b.connection !== 'connected') return html`<span class="badge ${CONNECTION[b.connection].tone}">${CONNECTION[b.connection].text}</span>`;
    if (b.activity === 'syncing' && b.progress) {
      const percent = b.progress.totalBytes ? Math.floor((100 * b.progress.doneBytes) / b.progress.totalBytes) : 100;
      return html`<progress max="100" .value=${percent} aria-label=${`${shown(b)}: sending, ${percent}%`}></progress> ${percent}%`;
    }
    return b.activity ? ACTIVITY[b.activity] : b.plan ? 'ready' : 'connected';
  }

  private async startEditing(id: string): Promise<void> {
    this.editing = id;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('.name input')?.focus();
  }

  private keyInName(event: KeyboardEvent, id: string): void {
    if (event.key === 'Enter') this.saveName(id, (event.target as HTMLInputElement).value);
    else if (event.key === 'Escape') this.editing = null;
  }

  private saveName(id: string, name: string): void {
    if (this.editing !== id) return;
    this.editing = null;
    emit(this, 'mps-rename', { id, name });
  }
}

const shown = (b: BoardView) => b.name ?? b.usbName ?? b.label;

customElements.define('mps-board-overview', BoardOverview);

declare global {
  interface HTMLElementTagNameMap {
    'mps-board-overview': BoardOverview;
  }
}
