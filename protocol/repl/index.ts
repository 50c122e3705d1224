export { RawRepl, type RawReplOptions, type ExecOptions, type ExecResult, type ReplStats, type Code, type ExecMode } from './raw-repl';
export { BoardError, BoardResetError, RawReplEnterError, RawReplProtocolError, RawReplTimeoutError, TransportClosedError } from './errors';
export { decodeLenient } from './result';
export { FEED_CREDIT, FEED_PIECE, FEED_WINDOW, feedCredits } from './feed';
export { runReadOnly } from './run-read-only';
