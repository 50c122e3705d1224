/**
 * mpysync as a library: pure TypeScript, no I/O, the same in the browser and in Node. The pipeline
 * in order: judge `.mpy` files as a board's loader would, talk to a board's raw REPL over any
 * `Transport`, probe it, plan a sync, and carry it out. Node's serial ports and the virtual board
 * are in `mpysync/node`; the browser's Web Serial in `mpysync/web`.
 */

// .mpy files and boards' `sys.implementation._mpy`
export {
  judgeMpy,
  refusalText,
  parseMpyHeader,
  headerToJson,
  decodeBoardMpy,
  encodeBoardMpy,
  parseMpyValue,
  simulateLoad,
  findKnownBoard,
  KNOWN_BOARDS,
  releasesForMpy,
  mpyCrossReleaseFor,
  archName,
  INCOMPATIBLE_FILE,
  INCOMPATIBLE_ARCH,
  NATIVE_UNSUPPORTED,
  type BoardTarget,
  type Verdict,
  type MpyHeader,
  type NotMpy,
  type BoardAbi,
  type KnownBoard,
  type FirmwareError,
  type LoaderOutcome,
} from './mpy/index.ts';

// The link and the raw REPL
export type { Transport } from './transport.ts';
export { MpysyncError, TransportClosedError } from './errors.ts';
export {
  RawRepl,
  runReadOnly,
  BoardError,
  BoardResetError,
  BoardRestartedError,
  RawReplEnterError,
  RawReplProtocolError,
  RawReplTimeoutError,
  type RawReplOptions,
  type ExecOptions,
  type ExecResult,
} from './repl/index.ts';

// What the board is, and what it holds
export { probeBoard, ProbeError, type BoardProbe } from './probe/probe.ts';
export { listRemote, listTree, readRemote, removeRemote, type RemoteEntry } from './board-ops/board-ops.ts';

// The plan, the check of every .py, and the sync
export { planSync, remotePath, type LocalFile, type Plan, type PlanEntry, type PlanInput, type RemoteIndex, type Substitution } from './plan/plan.ts';
export { walkProject, treeOfPaths, type ProjectTree, type TreeEntry, type WalkOptions, type WalkedProject } from './plan/project-walk.ts';
export { checkSources, type HostCompiler, type SourceProblem, type CompileOutcome } from './plan/source-check.ts';
export { probeAndPlan, type PlanOptions } from './session/probe-and-plan.ts';
export {
  syncBoard,
  type SyncBoardOptions,
  type SyncReport,
  type BoardStatus,
  type BoardEvent,
  type BoardSession,
  type ProjectProblem,
} from './session/sync-board.ts';
export { CommandCache, type SyncEvent } from './transfer/index.ts';

// USB identities of boards and bridges
export { identifyUsbDevice, formatUsbId, type UsbIdentity } from './usb-ids.ts';
