// The transfer, in pipeline order: how files travel on this board, the commands that carry them,
// what the board answers, and the run that carries a plan out.
export { transferSettings, type TransferSettings } from './settings.ts';
export { buildCommands, CommandCache, type Command } from './commands.ts';
export { describeFailure, explainBoardError } from './replies.ts';
export { executePlan, plannedOutcome, type ExecutePlanOptions, type SyncEvent, type SyncOutcome } from './execute.ts';
