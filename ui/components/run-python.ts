import { css, html, LitElement, nothing } from 'lit';
import { emit } from '../events.ts';
import { formatMs } from '../format.ts';
import type { CodeRun } from '../state/views.ts';
import { sharedStyles } from './shared-styles.ts';

/** A one-line Python prompt for one board; the board's answers are shown below it. */
export class RunPython extends LitElement {
  static override properties = {
    boardId: { attribute: false },
    boardLabel: { attribute: false },
    runs: { attribute: false },
    disabled: { type: Boolean },
  };
  declare boardId: string;
  declare boardLabel: string;
  declare runs: CodeRun[];
  declare disabled: boolean;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      form {
        display: flex;
        gap: 0.5rem;
      }
      label {
        display: block;
        font-weight: 700;
        font-size: 0.9rem;
        margin-bottom: 0.3rem;
      }
      input {
        flex: 1;
        min-width: 0;
        font-family: var(--mps-mono);
        font-size: 0.9rem;
        padding: 0.45rem 0.6rem;
        border-radius: 8px;
        border: 1px solid var(--mps-border);
        background: var(--mps-bg);
        color: var(--mps-text);
      }
      pre {
        margin: 0.5rem 0 0;
        padding: 0.55rem 0.7rem;
        background: var(--mps-surface-2);
        border-radius: 8px;
        font-family: var(--mps-mono);
        font-size: 0.84rem;
        white-space: pre-wrap;
        word-break: break-word;
        max-height: 12rem;
        overflow: auto;
      }
      .prompt {
        color: var(--mps-muted);
      }
      .error {
        color: var(--mps-bad);
      }
    `,
  ];

  override render() {
    const last = this.runs?.at(-1);
    return html`
      <label for="code">Run Python on this board</label>
      <form @submit=${this.submit}>
        <input id="code" name="code" autocomplete="off" spellcheck="false" placeholder="import os; print(os.listdir())" ?disabled=${this.disabled} />
        <button type="submit" ?disabled=${this.disabled}>Run</button>
      </form>
      ${
        last
          ? html`<pre class="output" aria-live="polite" aria-label="Output of the last run"><span class="prompt">&gt;&gt;&gt; ${last.code}  (${formatMs(last.ms)})</span>
${last.output}${last.error ? html`<span class="error">${last.error}</span>` : nothing}</pre>`
          : nothing
      }
    `;
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector('input')!;
    const code = input.value.trim();
    if (!code || this.disabled) return;
    emit(this, 'mps-run', { id: this.boardId, code });
  }
}
customElements.define('mps-run-python', RunPython);

declare global {
  interface HTMLElementTagNameMap {
    'mps-run-python': RunPython;
  }
}
