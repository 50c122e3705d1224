import { css, html, LitElement, nothing } from 'lit';
import { emit } from '../events.ts';
import { abiLabel, featureList, firmwareLabel, formatBytes, formatMs } from '../format.ts';
import type { BoardView } from '../state/views.ts';
import { ACTIVITY, CONNECTION } from './board-states.ts';
import { sharedStyles } from './shared-styles.ts';
import './plan-table.ts';
import './run-python.ts';
import './board-files.ts';
import './board-terminal.ts';

/** Everything about one board: what it is, the plan for it, the sync, and a Python prompt. */
/** How each status looks: the CLI's words (ok / problems / failed), for people. */
const RESULT_LOOK = {
  ok: { tone: 'ok', title: 'Sync finished' },
  problems: { tone: 'warn', title: 'Synced, with problems: some files will not work on this board' },
  failed: { tone: 'bad', title: 'Sync failed' },
} as const;

export class BoardCard extends LitElement {
  static override properties = {
    board: { attribute: false },
    hasProject: { type: Boolean },
  };
  declare board: BoardView;
  declare hasProject: boolean;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      article {
        background: var(--mps-surface);
        border: 1px solid var(--mps-border);
        border-radius: var(--mps-radius);
        padding: 1rem 1.1rem 1.1rem;
        display: grid;
        gap: 1rem;
        box-shadow: 0 1px 2px rgb(0 0 0 / 0.04);
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 0.6rem;
      }
      h3 {
        margin: 0;
        font-size: 1.1rem;
        margin-right: auto;
      }
      .sub {
        flex-basis: 100%;
        font-size: 0.85rem;
      }
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr));
        gap: 0.6rem 1rem;
        margin: 0;
      }
      dt {
        font-size: 0.74rem;
        text-transform: uppercase;
        letter-spacing: 0.05em;
        color: var(--mps-muted);
      }
      dd {
        margin: 0.1rem 0 0;
        font-weight: 600;
        font-size: 0.93rem;
        word-break: break-word;
      }
      .error {
        margin: 0;
        padding: 0.6rem 0.75rem;
        border-radius: 8px;
        background: var(--mps-bad-bg);
        color: var(--mps-bad);
        font-weight: 600;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      .progress {
        display: grid;
        gap: 0.3rem;
        font-size: 0.88rem;
      }
      progress {
        width: 100%;
        height: 0.6rem;
        accent-color: var(--mps-accent);
      }
      .result {
        margin: 0;
        padding: 0.6rem 0.75rem;
        border-radius: 8px;
        font-size: 0.92rem;
        line-height: 1.45;
      }
      .result.ok {
        background: var(--mps-ok-bg);
      }
      .result.bad {
        background: var(--mps-bad-bg);
      }
      .result.warn {
        background: var(--mps-warn-bg);
      }
      .result strong {
        display: block;
      }
      .hint {
        margin: 0;
        font-size: 0.9rem;
      }
    `,
  ];

  override render() {
    const b = this.board;
    const connected = b.connection === 'connected';
    const busy = b.activity !== null;
    const title = b.name ?? b.usbName ?? b.label;
    return html`
      <article aria-label=${`Board: ${b.label}`} data-board-id=${b.id} data-activity=${b.activity ?? 'idle'}>
        <header>
          <h3>${title}</h3>
          ${b.kind === 'virtual' ? html`<span class="badge info" title="MicroPython WebAssembly running in this page, in a worker of its own">virtual</span>` : nothing}
          <span class="badge ${CONNECTION[b.connection].tone}" data-connection=${b.connection}>${CONNECTION[b.connection].text}</span>
          <span class="sub muted" aria-live="polite">${title !== b.label ? b.label : ''}${title !== b.label && b.activity ? ' · ' : ''}${b.activity ? ACTIVITY[b.activity] : ''}</span>
        </header>
        ${b.error ? html`<p class="error" role="alert">${b.error}</p>` : nothing} ${b.probe ? this.renderFacts() : nothing}
        ${
          b.plan
            ? html`<mps-plan-table .plan=${b.plan} .progress=${b.progress} .problems=${b.problems} caption=${`Plan for ${b.label}`}></mps-plan-table>`
            : connected && b.probe && !this.hasProject
              ? html`<p class="hint muted">Choose a project folder to see what would be sent to this board.</p>`
              : nothing
        }
        ${this.renderProgress()} ${this.renderResult()}
        <div class="actions">
          ${
            connected
              ? html`
                <button class="primary" ?disabled=${busy || !b.plan || b.plan.blockers.length > 0} @click=${() => emit(this, 'mps-sync', { id: b.id })}>
                  Sync this board
                </button>
                <button ?disabled=${busy} title="Restart the board as on power-up: boot.py and main.py run" @click=${() => emit(this, 'mps-run-main', { id: b.id })}>
                  Run main.py
                </button>
                <button
                  ?disabled=${b.activity === 'disconnecting'}
                  title="Interrupt what the board is running (Ctrl-C); works while it is busy"
                  @click=${() => emit(this, 'mps-stop', { id: b.id })}
                >
                  Stop
                </button>
                <button
                  ?disabled=${b.activity === 'disconnecting'}
                  title=${b.kind === 'virtual' ? 'Restart the virtual board, keeping its files' : 'Interrupt and soft-reset the board (main.py does not run)'}
                  @click=${() => emit(this, 'mps-reset', { id: b.id })}
                >
                  Reset
                </button>
                <button ?disabled=${b.activity === 'disconnecting'} @click=${() => emit(this, 'mps-disconnect', { id: b.id })}>Disconnect</button>
              `
              : b.connection !== 'connecting'
                ? html`<button @click=${() => emit(this, 'mps-remove', { id: b.id })}>Remove</button>`
                : nothing
          }
        </div>
        ${connected && b.probe ? html`<mps-run-python .boardId=${b.id} .boardLabel=${b.label} .runs=${b.runs} ?disabled=${busy}></mps-run-python>` : nothing}
        ${connected && b.probe ? html`<mps-board-terminal .boardId=${b.id} ?busy=${busy}></mps-board-terminal>` : nothing}
        ${connected && b.probe ? html`<mps-board-files .boardId=${b.id} .files=${b.files} .opened=${b.opened} ?disabled=${busy}></mps-board-files>` : nothing}
      </article>
    `;
  }

  private renderFacts() {
    const p = this.board.probe!;
    const features = featureList(p);
    return html`
      <dl>
        <div><dt>Firmware</dt><dd data-fact="firmware">${firmwareLabel(p)}</dd></div>
        <div><dt>Machine</dt><dd data-fact="machine">${p.implementation.machine ?? p.platform}</dd></div>
        <div>
          <dt>.mpy files</dt>
          <dd data-fact="abi" title=${p.mpy ? `sys.implementation._mpy = ${p.mpy.raw}` : 'the firmware reports no sys.implementation._mpy'}>${abiLabel(p)}</dd>
        </div>
        <div><dt>Releases</dt><dd data-fact="releases">${p.mpy ? `MicroPython ${p.mpy.releases}` : '—'}</dd></div>
        <div><dt>Free space</dt><dd data-fact="free">${formatBytes(p.fs.free)}${p.fs.total ? html` <span class="muted">of ${formatBytes(p.fs.total)}</span>` : nothing}</dd></div>
        <div><dt>Features</dt><dd data-fact="features">${features.length ? features.join(' · ') : 'none of the optional ones'}</dd></div>
      </dl>
    `;
  }

  private renderProgress() {
    const progress = this.board.progress;
    if (!progress || this.board.activity !== 'syncing') return nothing;
    const files = Object.values(progress.files);
    const sent = files.filter((s) => s === 'sent').length;
    return html`
      <div class="progress">
        <label for="bar">Sending ${sent} of ${files.length} files · ${formatBytes(progress.doneBytes)} of ${formatBytes(progress.totalBytes)}</label>
        <progress id="bar" max=${Math.max(progress.totalBytes, 1)} .value=${progress.doneBytes}></progress>
      </div>
    `;
  }

  private renderResult() {
    const r = this.board.result;
    if (!r) return nothing;
    return html`
      <p class="result ${RESULT_LOOK[r.status].tone}" role="status" data-result=${r.status}>
        <strong>${RESULT_LOOK[r.status].title}</strong>
        ${r.uploaded} uploaded · ${r.skipped} skipped · ${r.refused} refused${r.substituted ? ` · ${r.substituted} substituted` : ''}${r.deleted ? ` · ${r.deleted} deleted` : ''}
        <br />
        <span class="muted">${formatBytes(r.payloadBytes)} of files, ${formatBytes(r.wireBytes)} on the wire · ${r.roundTrips} round trip${r.roundTrips === 1 ? '' : 's'} · ${formatMs(r.ms)}</span>
        ${r.failed.map((f) => html`<br /><span>${f.file}: ${f.error}</span>`)}
        ${r.problems.map((p) => html`<br /><span>${p.message}</span>`)}
      </p>
    `;
  }
}
customElements.define('mps-board-card', BoardCard);

declare global {
  interface HTMLElementTagNameMap {
    'mps-board-card': BoardCard;
  }
}
