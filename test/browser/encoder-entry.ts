/**
 * Bundled for the browser by encoder-parity.test.ts, and run in Node by the same test: the
 * transfer encoder must make the very same bytes in both.
 */
import { boardHash } from '../../protocol/board-hash.ts';
import { sha256, toHex } from '../../protocol/codec/index.ts';
import { planSync, type LocalFile } from '../../protocol/plan/plan.ts';
import { buildCommands, type TransferSettings } from '../../protocol/transfer/index.ts';
import { settingsWith } from '../helpers/transfer-settings.ts';
import { fakeProbe } from '../helpers/probes.ts';

const SETTINGS: Record<string, TransferSettings> = {
  deflate: settingsWith({ windowBits: 12, base64: true }),
  literal: settingsWith({ commandBytes: 4096, programBytes: 4096 }),
  asciiBase64: settingsWith({ commandBytes: 4096, programBytes: 4096, asciiOnly: true, base64: true }),
  microbit: settingsWith({ commandBytes: 565, programBytes: 565, rename: false, hash: 'adler32' }),
  microbitFeed: settingsWith({ commandBytes: 565, programBytes: 1813, feed: true, freshHeap: true, rename: false, hash: 'adler32' }),
};

/** For each transfer setting: how many commands, and the SHA-256 of all their bytes. */
export function commandDigests(files: Array<{ relative: string; bytes: number[] }>): Record<string, string> {
  const local: LocalFile[] = files.map((f) => ({ relative: f.relative, bytes: Uint8Array.from(f.bytes) }));
  const board = fakeProbe(774);
  const plan = planSync({ local, board, index: { algo: 'sha256', files: [], dirs: [] }, dest: '/lib' });
  const contents = new Map(local.map((f) => [f.relative, f.bytes]));
  const digests: Record<string, string> = { fingerprints: local.map((f) => boardHash(f.bytes, 'sha256')).join(',') };
  for (const [name, settings] of Object.entries(SETTINGS)) {
    const commands = buildCommands(plan, contents, settings);
    const all = new Uint8Array(commands.reduce((n, c) => n + c.source.length, 0));
    let at = 0;
    for (const c of commands) {
      all.set(c.source, at);
      at += c.source.length;
    }
    // Fed files travel beside the programs: their segments, in order, are part of what is sent.
    const fed = commands.flatMap((c) => c.feed.map((segment) => toHex(sha256(segment))));
    digests[name] = `${commands.length}:${toHex(sha256(all))}${fed.length ? `+fed:${toHex(sha256(new TextEncoder().encode(fed.join(','))))}` : ''}`;
  }
  return digests;
}
