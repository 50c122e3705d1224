/** The plan as the table shows it: one row per file, problems first. */
import type { Plan } from '../protocol/plan/plan.ts';
import type { SourceProblem } from '../protocol/plan/source-check.ts';
import type { FileProgress, SyncProgress } from './state/views.ts';

export type RowAction = 'upload' | 'skip' | 'substitute' | 'refuse' | 'delete';

export interface PlanRow {
  file: string;
  action: RowAction;
  /** Why, in plain words: the planner's reason or the loader explanation. */
  detail: string;
  /** The board's own error message, for refusals and substitutions. */
  boardError: string | null;
  /** What the user can do about a refusal, when there is something. */
  fix: string | null;
  /** Why the file will not work on this board although it is sent (a syntax error, with its line). */
  problem: string | null;
  status: FileProgress | null;
}

const ORDER: Record<RowAction, number> = { refuse: 0, substitute: 1, upload: 2, delete: 3, skip: 4 };

export function planRows(plan: Plan, progress: SyncProgress | null, problems: readonly SourceProblem[] = []): PlanRow[] {
  const rows: PlanRow[] = [];
  const problemOf = (file: string) =>
    problems
      .filter((p) => p.file === file)
      .map((p) => p.message)
      .join(' ') || null;
  for (const e of plan.entries) {
    if (e.action === 'refuse') {
      rows.push({ file: e.file, action: 'refuse', detail: e.summary, fix: e.fix, problem: null, boardError: e.firmwareError, status: null });
    } else if (e.action === 'delete') {
      rows.push({ file: e.remote, action: 'delete', detail: e.reason, fix: null, problem: null, boardError: null, status: null });
    } else {
      rows.push({
        file: e.file,
        action: e.action,
        detail: e.reason,
        fix: null,
        problem: problemOf(e.file),
        boardError: null,
        status: progress?.files[e.file] ?? null,
      });
    }
  }
  for (const s of plan.substitutions) {
    rows.push({
      file: s.file,
      action: 'substitute',
      detail: `${s.instead} is sent instead. ${s.summary}`,
      fix: null,
      problem: null,
      boardError: s.firmwareError,
      status: null,
    });
  }
  const byProblem = (a: PlanRow, b: PlanRow) => Number(b.problem !== null) - Number(a.problem !== null);
  return rows.sort((a, b) => ORDER[a.action] - ORDER[b.action] || byProblem(a, b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
