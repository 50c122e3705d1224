import { css, html, LitElement, nothing } from 'lit';
import { emit } from '../events.ts';
import { formatBytes } from '../format.ts';
import type { ProjectView } from '../state/views.ts';
import { sharedStyles } from './shared-styles.ts';

/** Choosing the project folder: the folder picker, a folder `<input>`, or a drop. */
export class FolderPanel extends LitElement {
  static override properties = {
    project: { attribute: false },
    dragging: { state: true },
  };
  declare project: ProjectView;
  declare dragging: boolean;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .zone {
        border: 2px dashed var(--mps-border);
        border-radius: var(--mps-radius);
        padding: 1rem;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.6rem 1rem;
        background: var(--mps-surface);
        transition: border-color 0.15s;
      }
      .zone.dragging {
        border-color: var(--mps-accent);
        background: var(--mps-info-bg);
      }
      .zone p {
        margin: 0;
      }
      .summary {
        flex: 1 1 16rem;
        min-width: 0;
      }
      .name {
        font-weight: 700;
        word-break: break-all;
      }
      details {
        margin-top: 0.4rem;
        font-size: 0.88rem;
      }
      summary {
        cursor: pointer;
        color: var(--mps-muted);
      }
      ul {
        margin: 0.4rem 0 0;
        padding-left: 1.1rem;
        font-family: var(--mps-mono);
        font-size: 0.84rem;
        columns: 2 14rem;
      }
    `,
  ];

  override render() {
    const p = this.project;
    const bytes = p.files.reduce((n, f) => n + f.size, 0);
    return html`
      <div
        class="zone ${this.dragging ? 'dragging' : ''}"
        @dragover=${this.dragOver}
        @dragleave=${() => (this.dragging = false)}
        @drop=${this.drop}
      >
        <div class="summary" aria-live="polite">
          ${
            p.loading
              ? html`<p>Reading the folder…</p>`
              : p.name
                ? html`
                  <p><span class="name">${p.name}</span> · ${p.files.length} files · ${formatBytes(bytes)}</p>
                  ${p.ignored.length ? html`<p class="muted">Left out: ${p.ignored.join(', ')}</p>` : nothing}
                  <details>
                    <summary>Show files</summary>
                    <ul>
                      ${p.files.map((f) => html`<li>${f.relative} <span class="muted">(${formatBytes(f.size)})</span></li>`)}
                    </ul>
                  </details>
                `
                : html`<p>Drop your project folder here, or choose it.</p>
                  <p class="muted">.git, __pycache__, node_modules and .pyc files are left out.</p>`
          }
        </div>
        <button class="primary" @click=${this.choose}>${p.name ? 'Choose another folder' : 'Choose folder'}</button>
        ${
          p.canReload
            ? html`<button @click=${() => emit(this, 'mps-reload-folder')}>Read again</button>`
            : p.name
              ? html`<button
                title="This browser lets a page read a chosen folder only once: choose it again to read what you changed"
                @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#folder-input')!.click()}
              >
                Read again…
              </button>`
              : nothing
        }
        <label class="visually-hidden" for="folder-input">Project folder</label>
        <input class="visually-hidden" id="folder-input" type="file" webkitdirectory multiple tabindex="-1" @change=${this.picked} />
      </div>
    `;
  }

  private choose(): void {
    // The File System Access picker can read the folder again later; the <input> cannot.
    if (typeof (window as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function') emit(this, 'mps-choose-folder');
    else this.renderRoot.querySelector<HTMLInputElement>('#folder-input')!.click();
  }

  private picked(event: Event): void {
    const input = event.target as HTMLInputElement;
    if (input.files && input.files.length > 0) emit(this, 'mps-folder-files', { files: input.files });
  }

  private dragOver(event: DragEvent): void {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  private drop(event: DragEvent): void {
    event.preventDefault();
    this.dragging = false;
    // The items can only be read during this event: the handler reads them synchronously.
    if (event.dataTransfer?.items.length) emit(this, 'mps-folder-drop', { items: event.dataTransfer.items });
  }
}
customElements.define('mps-folder-panel', FolderPanel);

declare global {
  interface HTMLElementTagNameMap {
    'mps-folder-panel': FolderPanel;
  }
}
