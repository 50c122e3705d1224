/** How a board's link and what it is busy with are said, on its card and in the overview. */
import type { Activity, Connection } from '../state/views.ts';

export const CONNECTION: Record<Connection, { text: string; tone: string }> = {
  connecting: { text: 'connecting…', tone: 'info' },
  connected: { text: 'connected', tone: 'ok' },
  closed: { text: 'disconnected', tone: '' },
  lost: { text: 'connection lost', tone: 'bad' },
  failed: { text: 'not connected', tone: 'bad' },
};

export const ACTIVITY: Record<Activity, string> = {
  probing: 'probing the board…',
  planning: 'planning…',
  syncing: 'syncing…',
  running: 'running code…',
  files: 'reading its files…',
  disconnecting: 'disconnecting…',
};
