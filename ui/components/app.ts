import { css, html, LitElement, nothing } from 'lit';
import { emit } from '../events.ts';
import type { AppView } from '../state/views.ts';
import { sharedStyles } from './shared-styles.ts';
import './board-card.ts';
import './board-overview.ts';
import './folder-panel.ts';
import './log-panel.ts';

/** The page: connect boards, choose a folder, one card per board, the log. */
export class MpysyncApp extends LitElement {
  static override properties = {
    view: { attribute: false },
  };
  declare view: AppView;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        max-width: 1180px;
        margin: 0 auto;
        padding: 1.25rem 1.25rem 3rem;
      }
      header.page {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.25rem 0.9rem;
        margin-bottom: 1.25rem;
      }
      h1 {
        margin: 0;
        font-size: 1.6rem;
        letter-spacing: -0.01em;
      }
      h1 span {
        color: var(--mps-accent);
      }
      .tagline {
        margin: 0;
        color: var(--mps-muted);
      }
      section {
        margin-bottom: 1.5rem;
      }
      h2 {
        font-size: 1.05rem;
        margin: 0 0 0.6rem;
      }
      .step {
        display: inline-grid;
        place-items: center;
        width: 1.5rem;
        height: 1.5rem;
        margin-right: 0.4rem;
        border-radius: 50%;
        background: var(--mps-accent);
        color: var(--mps-accent-text);
        font-size: 0.85rem;
      }
      .top {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1.4fr);
        gap: 1.25rem;
      }
      .connect {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .support {
        flex-basis: 100%;
        margin: 0.25rem 0 0;
        font-size: 0.9rem;
        color: var(--mps-warn);
      }
      .support.fine {
        color: var(--mps-muted);
      }
      .notice {
        padding: 0.7rem 0.9rem;
        border-radius: 8px;
        background: var(--mps-warn-bg);
        color: var(--mps-warn);
        font-weight: 600;
        margin: 0 0 1.25rem;
      }
      .boards-head {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        margin-bottom: 0.6rem;
      }
      .boards-head h2 {
        margin: 0 auto 0 0;
      }
      .auto-sync {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        cursor: pointer;
      }
      .boards-head .compile,
      .boards-head .packages {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        cursor: pointer;
      }
      .boards-head .packages input {
        width: min(13rem, 45vw);
        font: inherit;
        padding: 0.25rem 0.4rem;
        border: 1px solid var(--mps-border);
        border-radius: 4px;
      }
      .boards {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr));
        gap: 1rem;
      }
      .empty {
        padding: 1.5rem;
        text-align: center;
        border: 1px dashed var(--mps-border);
        border-radius: var(--mps-radius);
        color: var(--mps-muted);
      }
      @media (max-width: 760px) {
        :host {
          padding: 0.9rem 0.75rem 2rem;
        }
        .top {
          grid-template-columns: 1fr;
        }
        .connect button {
          flex: 1 1 auto;
        }
      }
    `,
  ];

  /** One board: its card. Several: the overview, a row each, and the chosen board's card under it. */
  private renderBoards(v: AppView) {
    const card = (b: AppView['boards'][number]) => html`<mps-board-card .board=${b} ?hasProject=${v.project.name !== null}></mps-board-card>`;
    if (!v.boards.length) return html`<p class="empty">No board yet. Plug one in and press “Connect a board”, or try the virtual board.</p>`;
    if (v.boards.length === 1) return html`<div class="boards">${card(v.boards[0]!)}</div>`;
    const shown = v.boards.find((b) => b.id === v.selected) ?? v.boards[0]!;
    return html`<mps-board-overview .boards=${v.boards} .selected=${shown.id}></mps-board-overview>
      <div class="boards">${card(shown)}</div>`;
  }

  override render() {
    const v = this.view;
    const connected = v.boards.filter((b) => b.connection === 'connected');
    const canSyncAll = connected.length > 0 && connected.every((b) => b.plan && !b.activity) && v.project.name !== null;
    return html`
      <header class="page">
        <h1>mpy<span>sync</span></h1>
        <p class="tagline">Send a MicroPython project to one board or a whole classroom — only what loads, only what changed.</p>
      </header>
      ${v.notice ? html`<p class="notice" role="alert">${v.notice}</p>` : nothing}
      <div class="top">
        <section aria-labelledby="connect-title">
          <h2 id="connect-title"><span class="step" aria-hidden="true">1</span>Connect boards</h2>
          <div class="connect">
            <button class="primary" ?disabled=${v.support.backend === null} aria-describedby="support" @click=${() => emit(this, 'mps-connect-serial')}>
              Connect a board
            </button>
            <button @click=${() => emit(this, 'mps-connect-virtual')}>Virtual board</button>
            ${
              v.support.backend === 'web-serial'
                ? html`<label class="auto-sync" title="A board this page was allowed before is connected when it is plugged in; with this on, it is synced too">
                    <input type="checkbox" .checked=${v.autoSync} @change=${(e: Event) => emit(this, 'mps-auto-sync', { on: (e.target as HTMLInputElement).checked })} />
                    Sync new boards automatically
                  </label>`
                : nothing
            }
            <p class="support ${v.support.backend === 'web-serial' ? 'fine' : ''}" id="support">${v.support.message ?? ''}</p>
          </div>
        </section>
        <section aria-labelledby="folder-title">
          <h2 id="folder-title"><span class="step" aria-hidden="true">2</span>Choose the project folder</h2>
          <mps-folder-panel .project=${v.project}></mps-folder-panel>
        </section>
      </div>
      <section aria-labelledby="boards-title">
        <div class="boards-head">
          <h2 id="boards-title"><span class="step" aria-hidden="true">3</span>Check the plan and sync</h2>
          <label class="compile" title="Every module but boot.py and main.py is compiled here by MicroPython's compiler and sent as .mpy">
            <input type="checkbox" .checked=${v.compile} @change=${(e: Event) => emit(this, 'mps-compile', { on: (e.target as HTMLInputElement).checked })} />
            Send modules as compiled .mpy
          </label>
          <label class="packages" title="micropython-lib packages (or github:ORG/REPO) sent with the project into /lib; fetched by this page from the index">
            Packages
            <input
              type="text"
              placeholder="e.g. ssd1306"
              spellcheck="false"
              .value=${v.packages}
              @change=${(e: Event) => emit(this, 'mps-packages', { text: (e.target as HTMLInputElement).value })}
            />
          </label>
          <button class="primary" ?disabled=${!canSyncAll} @click=${() => emit(this, 'mps-sync-all')}>Sync all boards${connected.length ? ` (${connected.length})` : ''}</button>
        </div>
        ${this.renderBoards(v)}
      </section>
      <section>
        <mps-log-panel .entries=${v.log} .copied=${v.copyStatus}></mps-log-panel>
      </section>
    `;
  }
}
customElements.define('mpysync-app', MpysyncApp);

declare global {
  interface HTMLElementTagNameMap {
    'mpysync-app': MpysyncApp;
  }
}
