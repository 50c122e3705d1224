import { DONE_MARK, FAIL_MARK } from './write-program.ts';
import type { Command } from './commands.ts';

/** `fail#<tag>:<kind>:<detail>` (see FAIL_MARK) as its parts. */
function splitFailLine(line: string): [number, string, string] {
  const [tag, kind, ...detail] = line.slice(FAIL_MARK.length).split(':');
  return [Number(tag), kind ?? '', detail.join(':')];
}

/** What `_fin` reported for a file, in words. */
export function describeFailure(file: { remote: string; fingerprint: string }, kind: string, detail: string): string {
  if (kind === 'damaged') return `mpysync: ${file.remote} arrived damaged (fingerprint ${detail}, expected ${file.fingerprint}); nothing was replaced`;
  if (kind === 'place') {
    return (
      `mpysync: ${file.remote} could not be put in place (${explainBoardError('OSError: ' + detail.trim())}); without os.rename the board ` +
      `needs room for two copies while a file lands, and ${file.remote} was removed rather than left half-written`
    );
  }
  if (kind === 'copied') {
    return (
      `mpysync: ${file.remote} was damaged while the board copied it into place (fingerprint ${detail}, expected ${file.fingerprint}) ` +
      `and was removed; this board's file system is unreliable when much rewritten or nearly full: sync again, and keep part of it free`
    );
  }
  return `mpysync: ${file.remote}: ${kind}${detail ? ': ' + detail : ''}`;
}

/** The board's last traceback line, with what a user can do about the errors that say little. */
export function explainBoardError(line: string): string {
  if (/^OSError: (28|\[Errno 28\].*|no more storage space)\s*$/.test(line.trim())) {
    return `${line.trim()}: the board's file system is full; remove files from it (mpysync rm) or send fewer`;
  }
  const memory = /^MemoryError: memory allocation failed, allocating (\d+) bytes/.exec(line.trim());
  if (memory) {
    return `${line.trim()}: the board ran out of memory in one piece (no free block of ${memory[1]} bytes, however much gc.mem_free() says is free in all)`;
  }
  return line;
}

/** What one command's output says of the files it finishes: landed (`done#`) or not, and why. */
export function readCommandReply(
  command: Command,
  stdout: string,
  boardError: string,
): { landed: Command['finishing']; failed: Array<{ file: string; error: string }> } {
  const lines = stdout.split(/\r?\n/);
  const done = new Set(lines.filter((l) => l.startsWith(DONE_MARK)).map((l) => Number(l.slice(DONE_MARK.length))));
  const reasons = new Map(
    lines
      .filter((l) => l.startsWith(FAIL_MARK))
      .map((l) => {
        const [tag, kind, detail] = splitFailLine(l);
        const f = command.finishing.find((c) => c.tag === tag);
        return [tag, f ? describeFailure(f, kind, detail) : `mpysync: ${l}`] as const;
      }),
  );
  const landed = command.finishing.filter((f) => done.has(f.tag));
  const failed = command.finishing
    .filter((f) => !done.has(f.tag))
    .map((f) => ({ file: f.file, error: reasons.get(f.tag) ?? (boardError || 'the board did not confirm the write') }));
  return { landed, failed };
}
