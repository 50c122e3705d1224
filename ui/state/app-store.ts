/**
 * The page's state: connected boards, the chosen project folder, the log. Components get its
 * `view` (immutable data) and raise events; ui/main.ts turns those events into calls here.
 */
import { DEFAULT_INDEX } from '../../protocol/packages/package-ref.ts';
import { isHostOnlyFile, PROJECT_FILE, readProjectSettings } from '../../protocol/packages/project-settings.ts';
import type { LocalFile } from '../../protocol/plan/plan.ts';
import { BoardController, type OpenedLink, type SyncSettings } from './board-controller.ts';
import type { FolderContents } from './folder-reader.ts';
import { Observable } from './observable.ts';
import { BoardNames } from './board-names.ts';
import type { AppView, BoardKind, BoardView, ConnectSupport, LogEntry } from './views.ts';

const MAX_LOG_ENTRIES = 2_000;

export class AppStore {
  readonly view: Observable<AppView>;
  private readonly boards = new Map<string, BoardController>();
  private files: LocalFile[] = [];
  private settings: SyncSettings = { compile: false, packages: [], index: DEFAULT_INDEX };
  private nextId = 1;
  private virtualCount = 0;
  /** Which port each serial board came on (ports are objects: a board plugged back in is the same port). */
  private readonly ports = new Map<string, unknown>();
  private readonly names = new BoardNames();

  constructor(support: ConnectSupport) {
    this.view = new Observable<AppView>({
      boards: [],
      project: { name: null, files: [], ignored: [], loading: false, canReload: false },
      log: [],
      support,
      notice: null,
      copyStatus: null,
      compile: false,
      packages: '',
      selected: null,
      autoSync: false,
    });
  }

  /**
   * Adds a board and connects it; plans right away when a folder is already chosen, and with
   * `plugged` (a granted port plugged in) and "sync new boards automatically" on, syncs it too.
   * `port` is the port object: a board lost on it before makes way for the new connection.
   */
  async addBoard(kind: BoardKind, label: string, openLink: () => Promise<OpenedLink>, options: { port?: unknown; plugged?: boolean } = {}): Promise<void> {
    if (options.port !== undefined) {
      for (const [oldId, port] of this.ports) {
        if (port !== options.port) continue;
        if (!this.boards.get(oldId)?.usable) this.remove(oldId);
        else {
          // The port picked again is connected already: show its card rather than fail to open it twice.
          this.view.update((v) => ({ ...v, selected: oldId }));
          this.notify(`${this.boards.get(oldId)!.view.label} is connected already.`);
          return;
        }
      }
    }
    const id = `board-${this.nextId++}`;
    const board = new BoardController(
      id,
      kind,
      label,
      (view) => this.view.update((v) => ({ ...v, boards: v.boards.map((b) => (b.id === id ? this.named(view) : b)) })),
      (text, level = 'info') => this.log(this.boards.get(id)?.view.label ?? label, text, level),
    );
    this.boards.set(id, board);
    if (options.port !== undefined) this.ports.set(id, options.port);
    // The board just connected is the one shown under the overview.
    this.view.update((v) => ({ ...v, boards: [...v.boards, board.view], notice: null, selected: id }));
    await board.open(openLink);
    if (board.usable && this.files.length) {
      await board.plan(this.files, this.settings);
      if (options.plugged && this.view.value.autoSync) await board.sync(this.files, this.settings);
    }
  }

  /** The board's view with the name the user gave it (by its id). */
  private named(view: BoardView): BoardView {
    const id = view.probe?.uniqueId;
    return { ...view, name: (id && this.names.get(id)) || null };
  }

  /** Names a board; kept in this browser by the board's id, so it is the same name when it comes back on another port. */
  rename(id: string, name: string): void {
    const uniqueId = this.boards.get(id)?.view.probe?.uniqueId;
    if (!uniqueId) {
      this.notify('This board tells no id (its firmware has no machine.unique_id()), so a name could not be kept for it.');
      return;
    }
    const trimmed = name.trim();
    if (trimmed) this.names.set(uniqueId, trimmed);
    else this.names.delete(uniqueId);
    this.names.save();
    this.view.update((v) => ({ ...v, boards: v.boards.map((b) => this.named(b)) }));
    this.log('page', trimmed ? `board ${uniqueId} is now "${trimmed}"` : `board ${uniqueId} has no name now`);
  }

  select(id: string): void {
    this.view.update((v) => ({ ...v, selected: id }));
  }

  setAutoSync(on: boolean): void {
    this.view.update((v) => ({ ...v, autoSync: on }));
    this.log('page', on ? 'boards plugged in will be synced as soon as they connect' : 'boards plugged in are connected and planned, not synced');
  }

  nextVirtualLabel(): string {
    return `Virtual board ${++this.virtualCount}`;
  }

  async disconnect(id: string): Promise<void> {
    await this.boards.get(id)?.disconnect();
  }

  /** Takes a closed or failed board off the page. */
  remove(id: string): void {
    const board = this.boards.get(id);
    if (!board || board.usable) return;
    this.boards.delete(id);
    this.ports.delete(id);
    this.view.update((v) => ({
      ...v,
      boards: v.boards.filter((b) => b.id !== id),
      selected: v.selected === id ? (v.boards.find((b) => b.id !== id)?.id ?? null) : v.selected,
    }));
  }

  runPython(id: string, code: string): Promise<void> {
    return this.boards.get(id)?.run(code) ?? Promise.resolve();
  }

  runMain(id: string): Promise<void> {
    return this.boards.get(id)?.runMain() ?? Promise.resolve();
  }

  listFiles(id: string): Promise<void> {
    return this.boards.get(id)?.listFiles() ?? Promise.resolve();
  }

  openFile(id: string, path: string): Promise<void> {
    return this.boards.get(id)?.openFile(path) ?? Promise.resolve();
  }

  fileBytes(id: string, path: string): Promise<Uint8Array | null> {
    return this.boards.get(id)?.fileBytes(path) ?? Promise.resolve(null);
  }

  deleteFile(id: string, path: string): Promise<void> {
    return this.boards.get(id)?.deleteFile(path) ?? Promise.resolve();
  }

  openTerminal(id: string, sink: (bytes: Uint8Array) => void): Promise<void> {
    return this.boards.get(id)?.openTerminal(sink) ?? Promise.resolve();
  }

  closeTerminal(id: string): void {
    this.boards.get(id)?.closeTerminal();
  }

  typeInTerminal(id: string, text: string): void {
    this.boards.get(id)?.typeInTerminal(text);
  }

  /** Ctrl-C now, whatever the board is busy with. */
  stop(id: string): void {
    this.boards.get(id)?.stop();
  }

  /** Reset now, whatever the board is busy with. */
  reset(id: string): void {
    this.boards.get(id)?.reset();
  }

  async sync(id: string): Promise<void> {
    await this.boards.get(id)?.sync(this.files, this.settings);
  }

  /** Every connected board at once, each on its own link. */
  async syncAll(): Promise<void> {
    await Promise.all([...this.boards.values()].filter((b) => b.usable).map((b) => b.sync(this.files, this.settings)));
  }

  projectLoading(): void {
    this.view.update((v) => ({ ...v, project: { ...v.project, loading: true }, notice: null }));
  }

  /** The compile switch: every connected board gets a fresh plan with modules as .mpy (or as source again). */
  async setCompile(on: boolean): Promise<void> {
    this.settings = { ...this.settings, compile: on };
    this.view.update((v) => ({ ...v, compile: on }));
    this.log('page', on ? 'modules will be sent as compiled .mpy (main.py and boot.py stay source)' : 'modules will be sent as source');
    if (this.files.length) await Promise.all([...this.boards.values()].filter((b) => b.usable).map((b) => b.plan(this.files, this.settings)));
  }

  /** Packages typed in the page (names or github: refs, separated by spaces or commas): every board is planned again. */
  async setPackages(text: string): Promise<void> {
    const packages = text.split(/[\s,]+/).filter(Boolean);
    this.settings = { ...this.settings, packages };
    this.view.update((v) => ({ ...v, packages: packages.join(' ') }));
    this.log('page', packages.length ? `packages to send with the project: ${packages.join(', ')} (from ${this.settings.index})` : 'no packages');
    if (this.files.length) await Promise.all([...this.boards.values()].filter((b) => b.usable).map((b) => b.plan(this.files, this.settings)));
  }

  /** A new folder (or the same one read again): every connected board gets a fresh plan. */
  async setProject(contents: FolderContents, canReload: boolean): Promise<void> {
    // The project's mpysync.json says which packages go with it (as for the CLI); it is not sent.
    const settingsFile = contents.files.find((f) => f.relative === PROJECT_FILE);
    if (settingsFile) {
      try {
        const { packages, index } = readProjectSettings(settingsFile.bytes, PROJECT_FILE);
        this.settings = { ...this.settings, packages, index: index ?? DEFAULT_INDEX };
        this.view.update((v) => ({ ...v, packages: packages.join(' ') }));
      } catch (error) {
        this.notify((error as Error).message);
      }
    }
    this.files = contents.files.filter((f) => !isHostOnlyFile(f.relative));
    this.view.update((v) => ({
      ...v,
      project: {
        name: contents.name,
        files: contents.files.map((f) => ({ relative: f.relative, size: f.bytes.length })),
        ignored: contents.ignored,
        loading: false,
        canReload,
      },
    }));
    const bytes = contents.files.reduce((n, f) => n + f.bytes.length, 0);
    this.log('page', `folder "${contents.name}": ${contents.files.length} file(s), ${bytes} bytes; left out: ${contents.ignored.join(', ') || 'nothing'}`);
    await Promise.all([...this.boards.values()].filter((b) => b.usable).map((b) => b.plan(this.files, this.settings)));
  }

  /** A problem not tied to one board, shown above the boards and logged. */
  notify(message: string | null): void {
    this.view.update((v) => ({ ...v, notice: message, project: { ...v.project, loading: false } }));
    if (message) this.log('page', message, 'error');
  }

  setCopyStatus(status: string | null): void {
    this.view.update((v) => ({ ...v, copyStatus: status }));
  }

  log(source: string, text: string, level: LogEntry['level'] = 'info'): void {
    const entry: LogEntry = { at: Date.now(), source, text, level };
    this.view.update((v) => ({ ...v, log: [...v.log, entry].slice(-MAX_LOG_ENTRIES) }));
  }
}
