/** How the CLI names a board: by the roster's label where it has one, its id where not, else its port. */
import type { BoardProbe } from '../../protocol/probe/probe.ts';
import type { PortInfo } from '../ports.ts';
import type { Roster } from '../roster.ts';
import type { BoardReport } from '../sync-runner.ts';

/** The report with its id (the port's USB serial number where the firmware told none) and its roster label. */
export function withName(report: BoardReport, roster: Roster | null, ports: readonly PortInfo[]): BoardReport {
  const id = boardId(report.id, report.port, ports);
  return { ...report, id, label: roster?.label(id) ?? null };
}

/** A board's id: the firmware's `machine.unique_id()`, else its port's (a virtual board's, a USB serial number), else null. */
export function boardId(firmwareId: string | null, port: string, ports: readonly PortInfo[]): string | null {
  const found = ports.find((p) => p.path === port);
  return firmwareId ?? found?.id ?? found?.serialNumber ?? null;
}

/** "Table 3 · Ada (/dev/ttyACM0)", or the port alone. */
export function boardName(r: Pick<BoardReport, 'label' | 'port'>): string {
  return r.label ? `${r.label} (${r.port})` : r.port;
}

/** `--retry-failed`: a board whose last sync went through (ok, or problems in the code itself) is left as it is. */
export function lastSyncWentThrough(roster: Roster, ports: readonly PortInfo[], port: string) {
  return (probe: BoardProbe): boolean => {
    const id = boardId(probe.uniqueId, port, ports);
    let status;
    try {
      status = id === null ? undefined : roster.read().boards[id]?.last?.status;
    } catch {
      // Damaged since the command began (that is said when it is written): the board is synced.
    }
    return status === 'ok' || status === 'problems';
  };
}
