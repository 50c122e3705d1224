export { RawRepl, type RawReplOptions, type ExecOptions, type ExecResult, type ReplStats, type Code, type ExecMode } from './raw-repl.ts';
export {
  BoardError,
  BoardResetError,
  BoardRestartedError,
  RawReplEnterError,
  RawReplProtocolError,
  RawReplTimeoutError,
  TransportClosedError,
} from './errors.ts';
export { decodeLenient } from './result.ts';
export { FEED_CREDIT, FEED_PIECE, FEED_WINDOW, feedCredits } from './feed.ts';
export { runReadOnly } from './run-read-only.ts';
