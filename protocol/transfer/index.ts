// The transfer, in pipeline order: how files travel on this board, the commands that carry them,
// what the board answers, and the run that carries a plan out.
export { transferSettings, type TransferSettings } from './settings';
export { buildCommands, CommandCache, type Command } from './commands';
export { describeFailure, explainBoardError } from './replies';
export { executePlan, plannedOutcome, type ExecutePlanOptions, type SyncEvent, type SyncOutcome } from './execute';
