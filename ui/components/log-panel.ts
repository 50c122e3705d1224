import { css, html, LitElement } from 'lit';
import { emit } from '../events.ts';
import { clock } from '../state/log-text.ts';
import type { LogEntry } from '../state/views.ts';
import { sharedStyles } from './shared-styles.ts';

/** What happened, with details, ready to paste into a request for help. */
export class LogPanel extends LitElement {
  static override properties = {
    entries: { attribute: false },
    copied: { attribute: false },
    showDetails: { state: true },
  };
  declare entries: LogEntry[];
  declare copied: string | null;
  declare showDetails: boolean;

  constructor() {
    super();
    this.showDetails = false;
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        margin-bottom: 0.5rem;
      }
      h2 {
        margin: 0 auto 0 0;
        font-size: 1.05rem;
      }
      label {
        font-size: 0.9rem;
        display: flex;
        align-items: center;
        gap: 0.35rem;
      }
      input[type='checkbox'] {
        width: 1.1rem;
        height: 1.1rem;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0.6rem 0.75rem;
        max-height: 16rem;
        overflow: auto;
        background: var(--mps-surface);
        border: 1px solid var(--mps-border);
        border-radius: var(--mps-radius);
        font-family: var(--mps-mono);
        font-size: 0.8rem;
        line-height: 1.5;
      }
      li {
        white-space: pre-wrap;
        word-break: break-word;
      }
      .time {
        color: var(--mps-muted);
      }
      .source {
        color: var(--mps-accent);
      }
      .error {
        color: var(--mps-bad);
      }
      .detail {
        color: var(--mps-muted);
      }
      .copied {
        font-size: 0.88rem;
        color: var(--mps-ok);
      }
    `,
  ];

  override render() {
    const shown = this.showDetails ? this.entries : this.entries.filter((e) => e.level !== 'detail');
    return html`
      <div class="bar">
        <h2 id="log-title">Log</h2>
        <label><input type="checkbox" .checked=${this.showDetails} @change=${(e: Event) => (this.showDetails = (e.target as HTMLInputElement).checked)} /> Show protocol details</label>
        <button @click=${() => emit(this, 'mps-copy-log')}>Copy log</button>
        <span class="copied" role="status">${this.copied ?? ''}</span>
      </div>
      <ol aria-labelledby="log-title" tabindex="0">
        ${shown.map((e) => html`<li class=${e.level}><span class="time">${clock(e.at)}</span> <span class="source">[${e.source}]</span> ${e.text}</li>`)}
      </ol>
    `;
  }

  override updated(): void {
    const list = this.renderRoot.querySelector('ol');
    if (list) list.scrollTop = list.scrollHeight;
  }
}
customElements.define('mps-log-panel', LogPanel);

declare global {
  interface HTMLElementTagNameMap {
    'mps-log-panel': LogPanel;
  }
}
