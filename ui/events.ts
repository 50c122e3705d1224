/**
 * The events components raise (they bubble out of shadow roots); ui/main.ts answers them with
 * calls on the store. Components never call the store or the protocol themselves.
 */
export interface UiEvents {
  'mps-connect-serial': undefined;
  'mps-connect-virtual': undefined;
  /** The "Choose folder" button, where the File System Access API exists. */
  'mps-choose-folder': undefined;
  'mps-reload-folder': undefined;
  'mps-folder-files': { files: FileList };
  'mps-folder-drop': { items: DataTransferItemList };
  'mps-sync': { id: string };
  'mps-sync-all': undefined;
  'mps-disconnect': { id: string };
  'mps-remove': { id: string };
  'mps-run': { id: string; code: string };
  'mps-run-main': { id: string };
  /** Ctrl-C to the board, not queued behind what it is doing. */
  'mps-stop': { id: string };
  /** A reset (the virtual board: a new one with the same files), not queued either. */
  'mps-reset': { id: string };
  'mps-compile': { on: boolean };
  'mps-packages': { text: string };
  'mps-files-refresh': { id: string };
  /** The terminal opened: the board's bytes go to `sink` while it is not busy. */
  'mps-terminal-open': { id: string; sink: (bytes: Uint8Array) => void };
  'mps-terminal-close': { id: string };
  'mps-terminal-input': { id: string; text: string };
  'mps-file-open': { id: string; path: string };
  'mps-file-download': { id: string; path: string };
  /** Asked and answered yes already (the component confirms). */
  'mps-file-delete': { id: string; path: string };
  'mps-copy-log': undefined;
  /** Show this board's card under the overview. */
  'mps-select': { id: string };
  /** The name typed for a board ('' takes its name away). */
  'mps-rename': { id: string; name: string };
  'mps-auto-sync': { on: boolean };
}

export type UiEventName = keyof UiEvents;

export function emit<K extends UiEventName>(from: EventTarget, name: K, ...detail: UiEvents[K] extends undefined ? [] : [UiEvents[K]]): void {
  from.dispatchEvent(new CustomEvent(name, { detail: detail[0], bubbles: true, composed: true }));
}

export function listen<K extends UiEventName>(on: EventTarget, name: K, handler: (detail: UiEvents[K], event: Event) => void): void {
  on.addEventListener(name, (event) => handler((event as CustomEvent<UiEvents[K]>).detail, event));
}
