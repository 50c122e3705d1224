// The web page entry: builds the store, mounts <mpysync-app>, and answers the components' events.
import './theme.css';
import './components/app.ts';
import type { MpysyncApp } from './components/app.ts';
import { listen } from './events.ts';
import { grantedSerialPorts, onGrantedPortConnected, requestSerialPort } from '../device/transport/index.ts';
import { connectSupport, openVirtualBoard, portLink } from './state/connectors.ts';
import { AppStore } from './state/app-store.ts';
import { readDataTransfer, readDirectoryHandle, readInputFiles, type DirectoryHandleLike, type FolderContents } from './state/folder-reader.ts';
import { logAsText } from './state/log-text.ts';

const store = new AppStore(connectSupport(navigator as never));
const app = document.createElement('mpysync-app') as MpysyncApp;
document.body.append(app);
store.view.subscribe((view) => (app.view = view));

let directoryHandle: DirectoryHandleLike | null = null;

listen(app, 'mps-connect-serial', () => {
  // The port picker must open inside the click; the board is added once a port is chosen.
  requestSerialPort().then(
    (port) => store.addBoard('serial', 'Serial board', portLink(port), { port }),
    (error: Error) => {
      if (error.name !== 'AbortError') store.notify(error.message);
    },
  );
});

// Ports this page was allowed before (a school's policy grants them too) connect without a picker.
void grantedSerialPorts().then((ports) => {
  for (const port of ports) void store.addBoard('serial', 'Serial board', portLink(port), { port });
});
onGrantedPortConnected((port) => void store.addBoard('serial', 'Serial board', portLink(port), { port, plugged: true }));

listen(app, 'mps-connect-virtual', () => {
  const label = store.nextVirtualLabel();
  void store.addBoard('virtual', label, openVirtualBoard(label));
});

listen(app, 'mps-choose-folder', () => {
  const picker = (window as unknown as { showDirectoryPicker: (o: object) => Promise<DirectoryHandleLike> }).showDirectoryPicker;
  picker({ id: 'mpysync-project', mode: 'read' }).then(
    (handle) => {
      directoryHandle = handle;
      loadFolder(() => readDirectoryHandle(handle), true);
    },
    (error: Error) => {
      if (error.name !== 'AbortError') store.notify(`Could not open the folder: ${error.message}`);
    },
  );
});

listen(app, 'mps-reload-folder', () => {
  if (directoryHandle) loadFolder(() => readDirectoryHandle(directoryHandle!), true);
});

listen(app, 'mps-folder-files', ({ files }) => {
  directoryHandle = null;
  loadFolder(() => readInputFiles(files), false);
});

listen(app, 'mps-folder-drop', ({ items }) => {
  directoryHandle = null;
  // Must start synchronously: the dropped items are readable only during the drop event.
  const reading = readDataTransfer(items);
  loadFolder(() => reading, false);
});

listen(app, 'mps-select', ({ id }) => store.select(id));
listen(app, 'mps-rename', ({ id, name }) => store.rename(id, name));
listen(app, 'mps-auto-sync', ({ on }) => store.setAutoSync(on));
listen(app, 'mps-sync', ({ id }) => void store.sync(id));
listen(app, 'mps-sync-all', () => void store.syncAll());
listen(app, 'mps-disconnect', ({ id }) => void store.disconnect(id));
listen(app, 'mps-remove', ({ id }) => store.remove(id));
listen(app, 'mps-run', ({ id, code }) => void store.runPython(id, code));
listen(app, 'mps-run-main', ({ id }) => void store.runMain(id));
listen(app, 'mps-stop', ({ id }) => store.stop(id));
listen(app, 'mps-files-refresh', ({ id }) => void store.listFiles(id));
listen(app, 'mps-terminal-open', ({ id, sink }) => void store.openTerminal(id, sink));
listen(app, 'mps-terminal-close', ({ id }) => store.closeTerminal(id));
listen(app, 'mps-terminal-input', ({ id, text }) => store.typeInTerminal(id, text));
listen(app, 'mps-file-open', ({ id, path }) => void store.openFile(id, path));
listen(app, 'mps-file-delete', ({ id, path }) => void store.deleteFile(id, path));
listen(app, 'mps-file-download', ({ id, path }) => {
  void store.fileBytes(id, path).then((bytes) => {
    if (!bytes) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([bytes as BlobPart]));
    link.download = path.slice(path.lastIndexOf('/') + 1);
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
});
listen(app, 'mps-reset', ({ id }) => store.reset(id));
listen(app, 'mps-compile', ({ on }) => void store.setCompile(on));
listen(app, 'mps-packages', ({ text }) => void store.setPackages(text));

listen(app, 'mps-copy-log', () => {
  const text = logAsText(store.view.value.log, { userAgent: navigator.userAgent, url: location.href });
  navigator.clipboard.writeText(text).then(
    () => store.setCopyStatus(`Copied ${text.split('\n').length - 1} lines — paste them where you ask for help.`),
    (error: Error) => store.setCopyStatus(`The browser did not allow copying (${error.message}); select the log text instead.`),
  );
});

function loadFolder(read: () => Promise<FolderContents>, canReload: boolean): void {
  store.projectLoading();
  read().then(
    (contents) => store.setProject(contents, canReload),
    (error: Error) => store.notify(`Could not read the folder: ${error.message}`),
  );
}
