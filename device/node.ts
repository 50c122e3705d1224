/**
 * mpysync in Node (`mpysync/node`): serial ports, a board opened and in the raw REPL, the virtual
 * board, a project folder read with its ignore rules, MicroPython's compiler, and one board synced.
 */
export { openBoard, openTransport, ConnectError, type OpenedBoard } from './connect.ts';
export { openNodeSerial, PortOpenError, type NodeSerialOptions } from './transport/node-serial.ts';
export { listPorts, pickAutoPort, describePort, type PortInfo, type ListPortsOptions } from './ports.ts';
export { startVirtualBoard, type VirtualBoardOptions, type VirtualBoardProcess } from './virtual/spawn.ts';
export { readProject, type Project } from './project-files.ts';
export { collectFiles, LocalPathError, type NamedFile } from './local-files.ts';
export { hostCompiler } from './host-compiler.ts';
export { syncOneBoard, type SyncOptions, type BoardReport } from './sync-runner.ts';
