import { css, html, LitElement, nothing } from 'lit';
import { emit } from '../events.ts';
import { formatBytes } from '../format.ts';
import type { BoardFileView } from '../state/views.ts';
import { cardSectionStyles, sharedStyles } from './shared-styles.ts';

/** The board's files: a tree with sizes, a file opened read-only, download, delete (asked first). */
export class BoardFiles extends LitElement {
  static override properties = {
    boardId: { attribute: false },
    files: { attribute: false },
    opened: { attribute: false },
    disabled: { type: Boolean },
  };
  declare boardId: string;
  declare files: BoardFileView[] | null;
  declare opened: { path: string; size: number; text: string | null } | null;
  declare disabled: boolean;

  static override styles = [
    sharedStyles,
    cardSectionStyles,
    css`
      table {
        width: 100%;
        table-layout: fixed;
        border-collapse: collapse;
        font-size: 0.85rem;
      }
      td {
        padding: 0.2rem 0.3rem;
        border-top: 1px solid var(--mps-border);
        vertical-align: middle;
      }
      td.path {
        font-family: var(--mps-mono);
        overflow-wrap: anywhere;
      }
      td.size {
        width: 4.5rem;
        text-align: right;
        white-space: nowrap;
        color: var(--mps-muted);
      }
      td.act {
        /* At phone width the three buttons wrap under one another rather than push the page wider. */
        width: 40%;
        text-align: right;
      }
      td.act button {
        padding: 0.1rem 0.45rem;
        font-size: 0.8rem;
      }
      pre {
        max-height: 16rem;
        overflow: auto;
        background: var(--mps-code-bg, #f4f5f7);
        padding: 0.5rem;
        border-radius: 4px;
        font-size: 0.8rem;
      }
    `,
  ];

  override render() {
    const files = this.files;
    return html`
      <div class="head">
        <h4>Files on the board</h4>
        <button ?disabled=${this.disabled} @click=${() => emit(this, 'mps-files-refresh', { id: this.boardId })}>${files ? 'Refresh' : 'Show files'}</button>
      </div>
      ${
        files === null
          ? nothing
          : files.length === 0
            ? html`<p class="muted">The board holds no files.</p>`
            : html`<table aria-label="Files on the board">
              ${files.map((f) => this.renderRow(f))}
            </table>`
      }
      ${
        this.opened
          ? html`<p class="muted">${this.opened.path} · ${formatBytes(this.opened.size)} · read-only</p>
            ${
              this.opened.text === null
                ? html`<p>Not text (binary): download it to look inside.</p>`
                : html`<pre aria-label=${`Contents of ${this.opened.path}`}>${this.opened.text}</pre>`
            }`
          : nothing
      }
    `;
  }

  private renderRow(f: BoardFileView) {
    const depth = f.path.split('/').length - 1;
    const name = f.path.slice(f.path.lastIndexOf('/') + 1);
    return html`<tr data-path=${f.path}>
      <td class="path" style=${`padding-left: ${0.3 + depth}rem`} title=${f.path}>${name}${f.kind === 'dir' ? '/' : ''}</td>
      <td class="size">${f.kind === 'dir' ? '' : formatBytes(f.size)}</td>
      <td class="act">
        ${
          f.kind === 'file'
            ? html`<button ?disabled=${this.disabled} aria-label=${`Open ${f.path}`} @click=${() => emit(this, 'mps-file-open', { id: this.boardId, path: f.path })}>Open</button>
              <button ?disabled=${this.disabled} aria-label=${`Download ${f.path}`} @click=${() => emit(this, 'mps-file-download', { id: this.boardId, path: f.path })}>Download</button>
              <button ?disabled=${this.disabled} aria-label=${`Delete ${f.path}`} @click=${() => this.delete(f.path)}>Delete</button>`
            : nothing
        }
      </td>
    </tr>`;
  }

  private delete(path: string): void {
    if (window.confirm(`Delete ${path} from the board? This cannot be undone.`)) emit(this, 'mps-file-delete', { id: this.boardId, path });
  }
}

customElements.define('mps-board-files', BoardFiles);

declare global {
  interface HTMLElementTagNameMap {
    'mps-board-files': BoardFiles;
  }
}
