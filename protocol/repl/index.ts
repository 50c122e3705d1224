export { RawRepl, type RawReplOptions, type ExecOptions, type ExecResult, type ReplStats } from './raw-repl';
export {
  BoardError,
  BoardResetError,
  RawReplEnterError,
  RawReplProtocolError,
  RawReplTimeoutError,
  TransportClosedError,
} from './errors';
export { decodeLenient } from './result';
