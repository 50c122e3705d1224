import { css } from 'lit';

/** Buttons, focus rings and badges every component uses. */
export const sharedStyles = css`
  :host {
    box-sizing: border-box;
    font-family: var(--mps-font);
    color: var(--mps-text);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button {
    font: inherit;
    font-size: 0.95rem;
    font-weight: 600;
    border-radius: 8px;
    border: 1px solid var(--mps-border);
    background: var(--mps-surface);
    color: var(--mps-text);
    padding: 0.5rem 0.9rem;
    min-height: 2.5rem;
    cursor: pointer;
  }
  button.primary {
    background: var(--mps-accent);
    border-color: var(--mps-accent);
    color: var(--mps-accent-text);
  }
  button:hover:not(:disabled) {
    filter: brightness(1.07);
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  button:focus-visible,
  input:focus-visible,
  textarea:focus-visible,
  summary:focus-visible,
  [tabindex]:focus-visible {
    outline: 3px solid var(--mps-focus);
    outline-offset: 2px;
  }
  .badge {
    display: inline-block;
    font-size: 0.78rem;
    font-weight: 700;
    letter-spacing: 0.02em;
    padding: 0.12rem 0.5rem;
    border-radius: 999px;
    white-space: nowrap;
    background: var(--mps-surface-2);
    color: var(--mps-muted);
  }
  .badge.ok {
    background: var(--mps-ok-bg);
    color: var(--mps-ok);
  }
  .badge.warn {
    background: var(--mps-warn-bg);
    color: var(--mps-warn);
  }
  .badge.bad {
    background: var(--mps-bad-bg);
    color: var(--mps-bad);
  }
  .badge.info {
    background: var(--mps-info-bg);
    color: var(--mps-accent);
  }
  .muted {
    color: var(--mps-muted);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  code {
    font-family: var(--mps-mono);
    font-size: 0.88em;
  }
`;

/** A section of a board card below its actions (the terminal, the files): a heading row with its buttons. */
export const cardSectionStyles = css`
  :host {
    display: block;
    margin-top: 0.75rem;
  }
  .head {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin-bottom: 0.3rem;
  }
  h4 {
    margin: 0 auto 0 0;
    font-size: 0.9rem;
  }
`;
