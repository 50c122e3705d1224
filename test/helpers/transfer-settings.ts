import { PIECE_BYTES } from '../../protocol/transfer/settings.ts';
import type { TransferSettings } from '../../protocol/transfer/index.ts';

/** A modern board's settings with 32 KB commands and no decoder, changed where a test says. */
export function settingsWith(changes: Partial<TransferSettings>): TransferSettings {
  return {
    commandBytes: 32 * 1024,
    // As transferSettings sets it: PIECE_BYTES, or the whole command where commands are smaller.
    pieceBytes: Math.min(PIECE_BYTES, changes.commandBytes ?? 32 * 1024),
    programBytes: 32 * 1024,
    windowBits: null,
    asciiOnly: false,
    base64: false,
    feed: false,
    freshHeap: false,
    rename: true,
    hash: 'sha256',
    ...changes,
  };
}
