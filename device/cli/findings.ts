/**
 * What will not work, said once for a class: the same refusal, substitution or problem found on
 * several boards becomes one explanation with the boards it applies to (30 boards, one text).
 */
import { refusalText } from '../../protocol/mpy/index.ts';
import type { BoardReport } from '../sync-runner.ts';

export interface Finding {
  kind: 'refused' | 'substitute' | 'problem';
  text: string;
  boards: string[];
}

/** `name` says each board as the reader knows it: the port for JSON, the roster's label for people. */
export function groupFindings(reports: readonly BoardReport[], name: (r: BoardReport) => string = (r) => r.port): Finding[] {
  const found = new Map<string, Finding>();
  const add = (kind: Finding['kind'], text: string, board: string) => {
    const key = `${kind}\0${text}`;
    const finding = found.get(key) ?? { kind, text, boards: [] };
    if (!finding.boards.includes(board)) finding.boards.push(board);
    found.set(key, finding);
  };
  for (const r of reports) {
    for (const e of r.plan?.entries ?? []) {
      if (e.action === 'refuse') add('refused', `${e.file}: ${e.firmwareError ? `${e.firmwareError} — ` : ''}${refusalText(e)}`, name(r));
    }
    for (const s of r.substituted) add('substitute', `${s.file} → ${s.instead}: ${s.summary}`, name(r));
    for (const p of r.problems) add('problem', p.message, name(r));
  }
  return [...found.values()];
}
