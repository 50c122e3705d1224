import { probeBoard } from '../../../protocol/probe/probe.ts';
import { listPorts } from '../../ports.ts';
import { Roster, rosterPath } from '../../roster.ts';
import { EXIT_USAGE } from '../exit-codes.ts';
import { colours as c, printJson, table } from '../output.ts';
import { withBoard } from '../with-board.ts';
import { boardId } from '../board-names.ts';

interface RosterOptions {
  roster?: string;
  json?: boolean;
}

/** `mpysync label NAME`: the connected board's id gets the name in the roster. */
export async function runLabel(name: string, opts: RosterOptions & { port: string }): Promise<void> {
  const label = name.trim();
  const roster = new Roster(rosterPath(process.cwd(), opts.roster));
  if (!label) return usage('give the board a name that is not empty, e.g. mpysync label "Table 3 · Ada"');
  if (opts.port === 'virtual') {
    return usage(
      'a private virtual board (--port virtual) has a new id every time; start one that keeps its id with `mpysync virtual --persist DIR` and name that',
    );
  }
  try {
    roster.read();
  } catch (error) {
    return usage((error as Error).message);
  }
  await withBoard(opts.port, async (board) => {
    const probe = await probeBoard(board.repl);
    // The firmware's unique id, else the USB serial number, as every board's report names it.
    const id = boardId(probe.uniqueId, board.label, probe.uniqueId ? [] : await listPorts());
    if (id === null) {
      return usage(
        `${board.label} tells no id (its firmware has no machine.unique_id() and its port no USB serial number), so the roster could not know it again; ` +
          'boards are named in the report by their port instead',
      );
    }
    const before = roster.read().boards[id]?.label;
    roster.update(id, (entry) => ({
      ...entry,
      label,
      lastSeen: new Date().toISOString(),
      port: board.label,
      firmware: `${probe.implementation.name} ${probe.implementation.version}`,
    }));
    if (opts.json) printJson({ port: board.label, id, label, roster: roster.path });
    else process.stdout.write(`${board.label} (id ${id}) is now "${label}"${before && before !== label ? `, was "${before}"` : ''} in ${roster.path}\n`);
  });
}

/** `mpysync roster`: every board the roster knows, by name. */
export async function runRoster(opts: RosterOptions): Promise<void> {
  const roster = new Roster(rosterPath(process.cwd(), opts.roster));
  let boards;
  try {
    boards = roster.read().boards;
  } catch (error) {
    return usage((error as Error).message);
  }
  // Named boards first, by name ("Table 2" before "Table 10"), then the others by id.
  const entries = Object.entries(boards).sort(
    ([idA, a], [idB, b]) => Number(!a.label) - Number(!b.label) || (a.label ?? idA).localeCompare(b.label ?? idB, undefined, { numeric: true }),
  );
  if (opts.json) {
    printJson({
      roster: roster.path,
      boards: entries.map(([id, b]) => ({
        id,
        label: b.label ?? null,
        lastSeen: b.lastSeen ?? null,
        port: b.port ?? null,
        firmware: b.firmware ?? null,
        last: b.last ?? null,
      })),
    });
    return;
  }
  if (!entries.length) {
    process.stdout.write(`no boards in ${roster.path} yet: \`mpysync label NAME\` names the connected board, and every sync records the boards it met\n`);
    return;
  }
  const status = { ok: c.green('ok'), problems: c.yellow('problems'), failed: c.red('failed') };
  const rows = [['board', 'id', 'last seen', 'port', 'firmware', 'last sync'].map((h) => c.bold(h))];
  for (const [id, b] of entries) {
    const last = b.last;
    const why = last && last.status !== 'ok' ? `: ${last.error ?? [...last.refused.map((f) => `${f} refused`), ...last.problems].slice(0, 2).join('; ')}` : '';
    rows.push([
      b.label ?? c.dim('(no name)'),
      id,
      b.lastSeen ? b.lastSeen.replace('T', ' ').slice(0, 16) : '-',
      b.port ?? '-',
      b.firmware ?? '-',
      last ? status[last.status] + why : c.dim('never synced'),
    ]);
  }
  process.stdout.write(`${table(rows)}\n${entries.length} board(s) in ${roster.path}\n`);
}

function usage(message: string): void {
  process.stderr.write(`mpysync: ${message}\n`);
  process.exitCode = EXIT_USAGE;
}
