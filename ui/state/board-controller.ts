/**
 * One connected board: its link, its raw REPL session, and what the page knows about it. Every
 * board action is queued, so a click during a sync waits instead of interleaving on the wire.
 * All protocol work is delegated to protocol/ (probe, plan, sync); this file only keeps score.
 */
import type { LocalFile } from '../../protocol/plan/plan.ts';
import { probeBoard } from '../../protocol/probe/probe.ts';
import { BoardRestartedError, decodeLenient, RawRepl } from '../../protocol/repl/index.ts';
import { refusalText } from '../../protocol/mpy/index.ts';
import { listTree, readRemote, removeRemote } from '../../protocol/board-ops/board-ops.ts';
import { runAfterSync, splitTraceback } from '../../protocol/session/run-main.ts';
import { abiLabel } from '../format.ts';
import { syncBoard, type BoardEvent } from '../../protocol/session/sync-board.ts';
import { CommandCache } from '../../protocol/transfer/index.ts';
import { webHostCompiler } from '../../device/host-compiler-web.ts';
import { pageFetch } from '../../device/package-fetch-web.ts';
import { memoryFirmwareModules } from '../../protocol/plan/import-check.ts';
import type { Transport } from '../../protocol/transport.ts';
import type { Activity, BoardKind, BoardView, CodeRun, SyncResult } from './views.ts';

/** Every board of the page shares what it learnt of each firmware's built-in modules. */
const firmwareModules = memoryFirmwareModules();

/** How the page syncs, the same for every board: the CLI's switches. */
export interface SyncSettings {
  /** Modules as bytecode .mpy compiled in the page (`--compile`). */
  compile: boolean;
  /** Packages to send with the project (its mpysync.json, or typed in the page), and their index. */
  packages: string[];
  index: string;
}

/** Every board of the page fetches each package file once. */
const fetchPackage = pageFetch();

function packageOptions(settings: SyncSettings) {
  return settings.packages.length ? { specs: settings.packages, index: settings.index, fetch: fetchPackage } : undefined;
}

export interface OpenedLink {
  transport: Transport;
  label: string;
  usbName: string | null;
  /** Ends whatever the board runs and starts it again with its files (the page's virtual board). */
  hardReset?: () => void;
}

export type LogFn = (text: string, level?: 'info' | 'error' | 'detail') => void;

const RUN_TIMEOUT_MS = 10_000;
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const KEEP_RUNS = 5;
/** How long the Run main.py button watches what the board prints (as `sync --run`'s default). */
const RUN_MAIN_SECONDS = 3;
const EXIT_RAW_GRACE_MS = 1_000;

export class BoardController {
  private current: BoardView;
  private link: OpenedLink | null = null;
  private repl: RawRepl | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** The plan shown still describes the board: nothing has run on it since it was made. */
  private planIsCurrent = false;
  private plannedFiles: LocalFile[] | null = null;
  private plannedCompile = false;
  private readonly commandCache = new CommandCache(1);
  /** The open terminal's sink: it has the friendly REPL whenever the board is not busy. */
  private terminal: ((bytes: Uint8Array) => void) | null = null;

  constructor(
    id: string,
    kind: BoardKind,
    label: string,
    private readonly onChange: (view: BoardView) => void,
    private readonly log: LogFn,
  ) {
    this.current = {
      id,
      kind,
      label,
      usbName: null,
      name: null,
      connection: 'connecting',
      activity: null,
      error: null,
      probe: null,
      plan: null,
      problems: [],
      progress: null,
      result: null,
      runs: [],
      files: null,
      opened: null,
    };
  }

  get view(): BoardView {
    return this.current;
  }

  get usable(): boolean {
    return this.current.connection === 'connected';
  }

  /** Opens the link, enters the raw REPL and probes the board. Never throws: failures are in the view. */
  open(openLink: () => Promise<OpenedLink>): Promise<void> {
    return this.queued('probing', async () => {
      let link: OpenedLink;
      try {
        link = await openLink();
      } catch (error) {
        this.patch({ connection: 'failed', error: messageOf(error) });
        this.log(`could not connect: ${messageOf(error)}`, 'error');
        return;
      }
      this.link = link;
      this.repl = new RawRepl(link.transport, { log: (text) => this.log(text, 'detail') });
      this.patch({ label: link.label, usbName: link.usbName, connection: 'connected' });
      this.log(`connected (${link.transport.label})`);
      void link.transport.closed.then((reason) => this.linkEnded(reason));
      await this.repl.enter();
      const probe = await probeBoard(this.repl);
      this.patch({ probe });
      const abi = abiLabel(probe);
      this.log(`${probe.implementation.name} ${probe.implementation.version} on ${probe.platform}, ${abi}, ${probe.fs.free ?? '?'} bytes free`);
    });
  }

  /** Indexes the board's files and plans the sync of `files` (two round trips at most). */
  plan(files: LocalFile[], settings: SyncSettings): Promise<void> {
    return this.queued('planning', () => this.planNow(files, settings));
  }

  /**
   * Carries out the plan for `files`, planning again first if anything ran on the board since
   * (Run Python, an earlier sync). Planning only when needed also spares small boards' heaps: the
   * micro:bit has about 7 KB, and every snippet run leaves garbage behind.
   */
  sync(files: LocalFile[], settings: SyncSettings): Promise<void> {
    return this.queued('syncing', async () => {
      // With packages the plan is made again: their files' bytes come with it.
      const current =
        this.planIsCurrent && this.plannedFiles === files && this.plannedCompile === settings.compile && !settings.packages.length
          ? this.current.plan!
          : undefined;
      this.planIsCurrent = false;
      const session = { repl: this.repl!, transport: this.link!.transport };
      const report = await syncBoard(
        session,
        files,
        {
          dest: '',
          probe: this.current.probe ?? undefined,
          plan: current,
          checked: current && this.current.problems,
          commandCache: this.commandCache,
          compiler: webHostCompiler,
          compile: settings.compile,
          firmwareModules,
          packages: packageOptions(settings),
        },
        (event) => this.onSyncEvent(event),
      );
      const failure = report.error;
      const result: SyncResult = {
        status: report.status,
        problems: report.problems,
        uploaded: report.uploaded.length,
        skipped: report.skipped.length,
        substituted: report.substituted.length,
        refused: report.refused.length,
        deleted: report.deleted.length,
        failed: report.failed,
        payloadBytes: report.payloadBytes,
        wireBytes: report.wireBytesSent,
        roundTrips: report.roundTrips,
        ms: report.ms,
        error: failure,
      };
      this.patch({ result, problems: report.problems, error: failure });
      this.log(
        `sync ${result.status === 'failed' ? 'FAILED' : result.status === 'problems' ? 'done, with problems' : 'done'}: ${result.uploaded} uploaded, ${result.skipped} skipped, ${result.refused} refused, ` +
          `${result.deleted} deleted; ${result.payloadBytes} bytes of files, ${result.wireBytes} bytes on the wire, ` +
          `${result.roundTrips} round trips, ${result.ms} ms${failure ? ` — ${failure}` : ''}`,
        result.status === 'failed' ? 'error' : 'info',
      );
      for (const f of result.failed) this.log(`  ${f.file}: ${f.error}`, 'error');
      for (const p of result.problems) this.log(`  problem ${p.message}`, 'error');
      // The Files list shows what the board holds now (one program; a board that is gone is said above).
      const entries = await listTree(this.repl!).catch(() => null);
      if (entries) this.patch({ files: entries.map((e) => ({ path: e.name, kind: e.kind, size: e.size })) });
    });
  }

  /** Runs Python typed by the user; the output (or traceback) is kept in the view. */
  run(code: string): Promise<void> {
    return this.queued('running', async () => {
      const started = performance.now();
      this.planIsCurrent = false;
      // A board reset by Stop or Reset (its program would not take Ctrl-C) ends the run with that said.
      const result = await this.repl!.exec(code, { timeoutMs: RUN_TIMEOUT_MS }).catch((error: unknown) => {
        if (error instanceof BoardRestartedError) return { stdout: error.stdout, error: error.message };
        throw error;
      });
      const run: CodeRun = { code, output: decodeLenient(result.stdout), error: result.error, ms: Math.round(performance.now() - started) };
      this.patch({ runs: [...this.current.runs, run].slice(-KEEP_RUNS) });
      this.log(`ran ${JSON.stringify(code)} → ${JSON.stringify(run.output + run.error)}`, 'detail');
    });
  }

  /**
   * A terminal takes the board's friendly REPL: every byte the board sends goes to `sink`. Each
   * board action (sync, plan, Run…) takes it back for its time, then gives the REPL back.
   */
  async openTerminal(sink: (bytes: Uint8Array) => void): Promise<void> {
    this.terminal = sink;
    if (this.usable && this.current.activity === null) {
      this.planIsCurrent = false;
      await this.repl!.attachTerminal(sink).catch((error: unknown) => this.log(`terminal: ${messageOf(error)}`, 'error'));
    }
  }

  closeTerminal(): void {
    this.terminal = null;
    this.repl?.detachTerminal();
  }

  /** Keys typed in the terminal; a paste of several lines goes in paste mode (Ctrl-E … Ctrl-D), so the REPL does not indent it again. */
  typeInTerminal(text: string): void {
    if (!this.terminal || !this.repl || this.current.activity !== null) return;
    this.planIsCurrent = false;
    const pasted = text.length > 1 && /[\r\n]/.test(text.replace(/[\r\n]+$/, ''));
    const bytes = new TextEncoder().encode(pasted ? `\x05${text.replace(/\r\n?/g, '\n')}\x04` : text);
    void this.repl.writeTerminal(bytes).catch(() => {});
  }

  /** Lists everything on the board (one program), for the Files list. */
  listFiles(): Promise<void> {
    return this.queued('files', async () => {
      const entries = await listTree(this.repl!);
      this.patch({ files: entries.map((e) => ({ path: e.name, kind: e.kind, size: e.size })) });
    });
  }

  /** Opens a file read-only: shown as text where it is UTF-8, said to be binary otherwise. */
  openFile(path: string): Promise<void> {
    return this.queued('files', async () => {
      const bytes = await readRemote(this.repl!, path);
      let text: string | null;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        text = null;
      }
      this.patch({ opened: { path, size: bytes.length, text } });
    });
  }

  /** The file's bytes, for a download. */
  async fileBytes(path: string): Promise<Uint8Array | null> {
    let bytes: Uint8Array | null = null;
    await this.queued('files', async () => {
      bytes = await readRemote(this.repl!, path);
    });
    return bytes;
  }

  /** Removes a file (the page asked first), then lists again. */
  deleteFile(path: string): Promise<void> {
    return this.queued('files', async () => {
      this.planIsCurrent = false;
      await removeRemote(this.repl!, path);
      this.log(`removed ${path} from the board`);
      const entries = await listTree(this.repl!);
      this.patch({
        files: entries.map((e) => ({ path: e.name, kind: e.kind, size: e.size })),
        opened: this.current.opened?.path === path ? null : this.current.opened,
      });
    });
  }

  /** The board restarted as on power-up (boot.py, main.py), and what they print for a few seconds, shown as a run. */
  runMain(): Promise<void> {
    return this.queued('running', async () => {
      const started = performance.now();
      this.planIsCurrent = false;
      const { run } = await runAfterSync(this.repl!, RUN_MAIN_SECONDS);
      const { printed, traceback } = splitTraceback(run.output);
      const still = run.ended ? '' : `\n(main.py is still running after ${RUN_MAIN_SECONDS} s; it was left running)`;
      const entry: CodeRun = { code: 'main.py, after a soft reset', output: printed + still, error: traceback, ms: Math.round(performance.now() - started) };
      this.patch({ runs: [...this.current.runs, entry].slice(-KEEP_RUNS) });
      this.log(`ran main.py after a soft reset → ${JSON.stringify(run.output)}`, 'detail');
    });
  }

  /**
   * Ctrl-C at once, not queued: what the board runs gets a KeyboardInterrupt (a sync stops with
   * nothing half-written). A program that cannot take it (the virtual board: `while True: pass`)
   * ends in a reset within a second, its files kept.
   */
  stop(): void {
    if (!this.link || !this.usable) return;
    this.log('stop: sent Ctrl-C');
    void this.link.transport.write(Uint8Array.of(CTRL_C)).catch(() => {});
  }

  /**
   * A reset at once, not queued. The virtual board is replaced by a new one with the same files;
   * a serial board is interrupted and soft-reset (Ctrl-D at the raw prompt: main.py does not run).
   */
  reset(): void {
    if (!this.link || !this.usable) return;
    this.planIsCurrent = false;
    if (this.link.hardReset) {
      this.log('reset: the virtual board restarts with its files');
      this.link.hardReset();
      return;
    }
    this.log('reset: sent Ctrl-C and a soft reset (Ctrl-D)');
    void this.link.transport.write(Uint8Array.of(CTRL_C, CTRL_C, CTRL_D)).catch(() => {});
  }

  /** Back to the friendly REPL (so a terminal finds the board as usual), then close the link. */
  async disconnect(): Promise<void> {
    const link = this.link;
    if (!link || this.current.connection !== 'connected') {
      this.patch({ connection: this.current.connection === 'connecting' ? 'failed' : this.current.connection });
      return;
    }
    this.patch({ activity: 'disconnecting' });
    if (this.repl) await Promise.race([this.repl.exitRaw().catch(() => {}), delay(EXIT_RAW_GRACE_MS)]);
    await link.transport.close();
  }

  private async planNow(files: LocalFile[], settings: SyncSettings): Promise<void> {
    this.planIsCurrent = false;
    const session = { repl: this.repl!, transport: this.link!.transport };
    const report = await syncBoard(session, files, {
      dest: '',
      dryRun: true,
      probe: this.current.probe ?? undefined,
      compiler: webHostCompiler,
      compile: settings.compile,
      firmwareModules,
      packages: packageOptions(settings),
    });
    if (!report.plan) throw new Error(report.error ?? 'the board could not be indexed');
    for (const p of report.packages) this.log(`  package ${p.name} ${p.version}${p.neededBy ? ` (needed by ${p.neededBy})` : ''}: ${p.files.join(', ')}`);
    const plan = report.plan;
    this.planIsCurrent = true;
    this.plannedFiles = files;
    this.plannedCompile = settings.compile;
    this.patch({ probe: report.board, plan, problems: report.problems, progress: null, result: null });
    const count = (action: string) => plan.entries.filter((e) => e.action === action).length;
    this.log(
      `plan: ${count('upload')} to upload, ${count('skip')} unchanged, ${plan.substitutions.length} substituted, ` +
        `${count('refuse')} refused, ${count('delete')} to delete`,
    );
    for (const e of plan.entries) if (e.action === 'refuse') this.log(`  refused ${e.file}: ${refusalText(e)}`);
    for (const blocker of plan.blockers) this.log(`  blocked: ${blocker}`, 'error');
    for (const p of report.problems) this.log(`  problem ${p.message}`, 'error');
  }

  private onSyncEvent(event: BoardEvent): void {
    if (event.type === 'planned') {
      const uploads = event.plan.entries.flatMap((e) => (e.action === 'upload' ? [e.file] : []));
      this.patch({
        plan: event.plan,
        result: null,
        progress: { files: Object.fromEntries(uploads.map((f) => [f, 'waiting'])), doneBytes: 0, totalBytes: event.plan.uploadBytes },
      });
      this.log(`sync: ${uploads.length} file(s) to send, ${event.plan.uploadBytes} bytes`);
      return;
    }
    const progress = this.current.progress;
    if (!progress) return;
    if (event.type === 'file-done') {
      this.patch({ progress: { ...progress, files: { ...progress.files, [event.file]: 'sent' } } });
      this.log(`  sent ${event.file} (${event.bytes} bytes)`, 'detail');
    } else if (event.type === 'file-retry') {
      this.log(`  sending ${event.file} again: ${event.error}`, 'detail');
    } else if (event.type === 'file-failed') {
      this.patch({ progress: { ...progress, files: { ...progress.files, [event.file]: 'failed' } } });
      this.log(`  failed ${event.file}: ${event.error}`, 'error');
    } else if (event.type === 'progress') {
      this.patch({ progress: { ...progress, doneBytes: event.doneBytes, totalBytes: event.totalBytes } });
    }
  }

  private linkEnded(reason: Error | undefined): void {
    this.repl = null;
    if (reason) {
      this.patch({ connection: 'lost', activity: null, error: reason.message });
      this.log(`connection lost: ${reason.message}`, 'error');
    } else {
      this.patch({ connection: 'closed', activity: null });
      this.log('disconnected');
    }
  }

  /** Runs `task` after the board's earlier tasks; a failure lands in the view and the log. */
  private queued(activity: Activity, task: () => Promise<void>): Promise<void> {
    const run = async () => {
      if (activity !== 'probing' && !this.usable) return;
      this.repl?.detachTerminal();
      this.patch({ activity, error: null });
      try {
        await task();
      } catch (error) {
        this.patch({ error: messageOf(error) });
        this.log(`${activity} failed: ${messageOf(error)}`, 'error');
      } finally {
        if (this.current.activity === activity) this.patch({ activity: null });
        // The terminal gets the friendly REPL back.
        if (this.terminal && this.repl && this.usable) await this.repl.attachTerminal(this.terminal).catch(() => {});
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next;
    return next;
  }

  private patch(change: Partial<BoardView>): void {
    this.current = { ...this.current, ...change };
    this.onChange(this.current);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
