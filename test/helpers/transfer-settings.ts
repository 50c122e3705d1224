import type { TransferSettings } from '../../protocol/transfer/index.ts';

/** A modern board's settings with 32 KB commands and no decoder, changed where a test says. */
export function settingsWith(changes: Partial<TransferSettings>): TransferSettings {
  return {
    commandBytes: 32 * 1024,
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
