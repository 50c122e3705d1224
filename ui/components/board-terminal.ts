import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import xtermCss from '@xterm/xterm/css/xterm.css?inline';
import { css, html, LitElement, nothing, unsafeCSS } from 'lit';
import { emit } from '../events.ts';
import { cardSectionStyles, sharedStyles } from './shared-styles.ts';

/**
 * The board's REPL in a terminal (xterm.js). Opened, it has the friendly REPL whenever the board
 * is not busy: a sync or a Run takes the board for its time and gives the prompt back. Ctrl-C and
 * Ctrl-D go to the board as typed; a paste of several lines goes in paste mode.
 */
export class BoardTerminal extends LitElement {
  static override properties = {
    boardId: { attribute: false },
    busy: { type: Boolean },
    open: { state: true },
  };
  declare boardId: string;
  declare busy: boolean;
  declare open: boolean;
  private terminal: Terminal | null = null;

  constructor() {
    super();
    this.open = false;
  }

  static override styles = [
    sharedStyles,
    cardSectionStyles,
    unsafeCSS(xtermCss),
    css`
      .screen {
        border-radius: 4px;
        overflow: hidden;
        background: #1e1e1e;
        padding: 0.3rem;
      }
    `,
  ];

  override render() {
    return html`
      <div class="head">
        <h4>REPL</h4>
        ${this.busy && this.open ? html`<span class="muted">paused while the board is busy</span>` : nothing}
        <button @click=${this.toggle}>${this.open ? 'Close terminal' : 'Open terminal'}</button>
      </div>
      ${this.open ? html`<div class="screen" role="region" aria-label="Terminal of the board"></div>` : nothing}
    `;
  }

  private toggle(): void {
    this.open = !this.open;
    if (!this.open) this.close();
  }

  override updated(): void {
    if (!this.open || this.terminal) return;
    const screen = this.renderRoot.querySelector<HTMLElement>('.screen');
    if (!screen) return;
    const terminal = new Terminal({ rows: 14, fontSize: 13, fontFamily: 'ui-monospace, monospace', scrollback: 2000, cursorBlink: true });
    // As wide as the card: 390 px of phone gives about 40 columns.
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(screen);
    fit.fit();
    this.resize = new ResizeObserver(() => {
      fit.fit();
      terminal.scrollToBottom();
    });
    this.resize.observe(screen);
    terminal.onData((text) => emit(this, 'mps-terminal-input', { id: this.boardId, text }));
    this.terminal = terminal;
    emit(this, 'mps-terminal-open', { id: this.boardId, sink: (bytes) => terminal.write(bytes) });
    terminal.focus();
  }

  private resize: ResizeObserver | null = null;

  private close(): void {
    emit(this, 'mps-terminal-close', { id: this.boardId });
    this.resize?.disconnect();
    this.resize = null;
    this.terminal?.dispose();
    this.terminal = null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.terminal) this.close();
  }
}

customElements.define('mps-board-terminal', BoardTerminal);

declare global {
  interface HTMLElementTagNameMap {
    'mps-board-terminal': BoardTerminal;
  }
}
