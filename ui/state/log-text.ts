import type { LogEntry } from './views.ts';

/** The log as plain text for "Copy log": what a helper needs to see, with times and the browser. */
export function logAsText(entries: LogEntry[], context: { userAgent: string; url: string }): string {
  const header = [`mpysync web page log — ${new Date().toISOString()}`, `page: ${context.url}`, `browser: ${context.userAgent}`, ''];
  const lines = entries.map((e) => `${clock(e.at)} ${e.level === 'error' ? 'ERROR ' : ''}[${e.source}] ${e.text}`);
  return [...header, ...lines].join('\n') + '\n';
}

export function clock(at: number): string {
  const d = new Date(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
