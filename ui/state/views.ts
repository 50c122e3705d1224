import type { SourceProblem } from '../../protocol/plan/source-check.ts';
import type { BoardStatus } from '../../protocol/session/sync-board.ts';
/**
 * What the page shows, as plain immutable data. The stores build these; the components render them
 * and never see a RawRepl or a Transport.
 */
import type { Plan } from '../../protocol/plan/plan.ts';
import type { BoardProbe } from '../../protocol/probe/probe.ts';

export type BoardKind = 'serial' | 'virtual';

/** The link itself: being opened, usable, or over (closed by the user, lost, or never opened). */
export type Connection = 'connecting' | 'connected' | 'closed' | 'lost' | 'failed';

/** What the board is busy with right now, if anything (one thing at a time per board). */
export type Activity = 'probing' | 'planning' | 'syncing' | 'running' | 'files' | 'disconnecting';

/** A file or folder on the board, as the Files list shows it. */
export interface BoardFileView {
  path: string;
  kind: 'file' | 'dir';
  size: number;
}

export type FileProgress = 'waiting' | 'sent' | 'failed';

export interface SyncProgress {
  files: Record<string, FileProgress>;
  doneBytes: number;
  totalBytes: number;
}

export interface SyncResult {
  /** The same status the CLI gives: ok, problems (it arrived, but something will not work), failed. */
  status: BoardStatus;
  problems: SourceProblem[];
  uploaded: number;
  skipped: number;
  substituted: number;
  refused: number;
  deleted: number;
  failed: Array<{ file: string; error: string }>;
  payloadBytes: number;
  wireBytes: number;
  roundTrips: number;
  ms: number;
  error: string | null;
}

export interface CodeRun {
  code: string;
  output: string;
  /** The traceback, when the code raised; '' otherwise. */
  error: string;
  ms: number;
}

export interface BoardView {
  id: string;
  kind: BoardKind;
  /** "Virtual board 1", "WebSerial 0d28:0204". */
  label: string;
  /** The board's name from its USB IDs, when we know them. */
  usbName: string | null;
  /** The name the user gave this board (kept in the browser by its id), or null. */
  name: string | null;
  connection: Connection;
  activity: Activity | null;
  /** Why the last action (or the link) failed, in words the user can act on. */
  error: string | null;
  probe: BoardProbe | null;
  plan: Plan | null;
  /** What the plan found will not work (syntax errors, native code without an emitter). */
  problems: SourceProblem[];
  progress: SyncProgress | null;
  result: SyncResult | null;
  runs: CodeRun[];
  /** The board's files (refreshed after each sync), or null before they were listed. */
  files: BoardFileView[] | null;
  /** A file opened read-only: its text, or null when it is not text. */
  opened: { path: string; size: number; text: string | null } | null;
}

export interface ProjectView {
  /** The folder's name, or null before one is chosen. */
  name: string | null;
  files: Array<{ relative: string; size: number }>;
  /** Paths left out on purpose (.git, __pycache__, node_modules, *.pyc, …). */
  ignored: string[];
  loading: boolean;
  /** Whether the page can read the folder again (File System Access handle kept). */
  canReload: boolean;
}

export interface LogEntry {
  at: number;
  source: string;
  text: string;
  level: 'info' | 'error' | 'detail';
}

export interface ConnectSupport {
  /** 'web-serial', 'web-usb-polyfill', or null when the browser has neither. */
  backend: 'web-serial' | 'web-usb-polyfill' | null;
  /** Shown beside the button when backend is null. */
  message: string | null;
}

export interface AppView {
  boards: BoardView[];
  project: ProjectView;
  log: LogEntry[];
  support: ConnectSupport;
  /** A problem not tied to one board (a cancelled port picker, an unreadable folder). */
  notice: string | null;
  /** "Log copied", or why it could not be. */
  copyStatus: string | null;
  /** Modules are sent as compiled .mpy (the CLI's --compile). */
  compile: boolean;
  /** Packages sent with the project, as typed (or read from its mpysync.json). */
  packages: string;
  /** With several boards, the one whose card is shown under the overview. */
  selected: string | null;
  /** A board plugged in (a port granted before) is connected and synced at once. */
  autoSync: boolean;
}
