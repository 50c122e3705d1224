/**
 * The class's roster, `mpysync-roster.json` at the project's top (or `--roster FILE`): each board
 * by its id (protocol/session/sync-board.ts `id`), with the name the teacher gave it and how its
 * last sync went. Every change re-reads the file and writes it whole beside, then renames it, so a
 * `mpysync label` run while a class syncs is kept, and a reader never sees half a file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MpysyncError } from '../protocol/errors.ts';
import { ROSTER_FILE } from '../protocol/packages/project-settings.ts';
import type { BoardStatus } from '../protocol/session/sync-board.ts';
import type { BoardReport } from './sync-runner.ts';

export interface RosterBoard {
  /** What the teacher calls it, e.g. "Table 3 · Ada". */
  label?: string;
  /** When it was last synced or labelled (ISO 8601), and on which port. */
  lastSeen?: string;
  port?: string;
  firmware?: string | null;
  last?: LastSync;
}

export interface LastSync {
  when: string;
  status: BoardStatus;
  uploaded: string[];
  refused: string[];
  problems: string[];
  error: string | null;
}

export interface RosterContent {
  boards: Record<string, RosterBoard>;
}

export class RosterError extends MpysyncError {
  override name = 'RosterError';
}

/** The roster for a project folder: `--roster FILE`, else `<dir>/mpysync-roster.json`. */
export function rosterPath(dir: string, option?: string): string {
  return option ?? join(dir, ROSTER_FILE);
}

export class Roster {
  constructor(readonly path: string) {}

  /** What the file holds now; a missing file is an empty roster, a damaged one an error naming it. */
  read(): RosterContent {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { boards: {} };
      throw new RosterError('roster-unreadable', `cannot read the roster ${this.path}: ${(error as Error).message}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new RosterError('roster-invalid', `the roster ${this.path} is not JSON (${(error as Error).message}); mend it, or move it away to start a new one`);
    }
    const boards = (value as RosterContent | null)?.boards;
    if (typeof boards !== 'object' || boards === null || Array.isArray(boards)) {
      throw new RosterError('roster-invalid', `the roster ${this.path} has no "boards" object; mend it, or move it away to start a new one`);
    }
    return { boards };
  }

  /** The board's name, or null; a roster damaged since it was first read names nobody (that was said then). */
  label(id: string | null): string | null {
    if (id === null) return null;
    try {
      return this.read().boards[id]?.label ?? null;
    } catch {
      return null;
    }
  }

  /** Changes one board's entry, reading the file afresh first so that other writers' entries stay. */
  update(id: string, change: (board: RosterBoard) => RosterBoard): void {
    const content = this.read();
    content.boards[id] = change(content.boards[id] ?? {});
    const partial = `${this.path}.partial`;
    try {
      writeFileSync(partial, JSON.stringify(content, null, 2) + '\n');
      renameSync(partial, this.path);
    } catch (error) {
      throw new RosterError('roster-unwritable', `cannot write the roster ${this.path}: ${(error as Error).message}`);
    }
  }

  /** A finished sync, as the board's last; a board without an id cannot be kept. */
  recordSync(report: BoardReport, when: Date): void {
    if (report.id === null) return;
    const last: LastSync = {
      when: when.toISOString(),
      status: report.status,
      uploaded: report.uploaded,
      refused: report.refused.map((r) => r.file),
      problems: report.problems.map((p) => p.message),
      error: report.error ?? (report.failed.length ? report.failed.map((f) => `${f.file}: ${f.error}`).join('; ') : null),
    };
    this.update(report.id, (board) => ({ ...board, lastSeen: last.when, port: report.port, firmware: report.firmware, last }));
  }
}
