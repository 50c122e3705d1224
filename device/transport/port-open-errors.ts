/**
 * Turns the OS error from opening a serial port into a message that names the port and the fix
 * (Node only: it looks at the device node's owner and group to say which group to join).
 */
import { readFile, stat } from 'node:fs/promises';
import { MpysyncError } from '../../protocol/errors.ts';

export type PortOpenErrorCode = 'port-not-found' | 'port-permission' | 'port-busy' | 'port-open-timeout' | 'port-baud-1200' | 'port-open-failed';

export class PortOpenError extends MpysyncError {
  override name = 'PortOpenError';
  declare readonly code: PortOpenErrorCode;
  constructor(
    code: PortOpenErrorCode,
    readonly port: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** `serialport` errors carry only text such as "Error: Permission denied, cannot open /dev/x". */
export async function describePortOpenFailure(path: string, error: unknown): Promise<PortOpenError> {
  const text = (error as Error)?.message ?? String(error);
  const options = { cause: error };
  if (/No such file or directory|ENOENT|File not found|cannot find the file/i.test(text) || !(await exists(path))) {
    return new PortOpenError('port-not-found', path, `no such port ${path}; \`mpysync ports\` lists the ports this machine has`, options);
  }
  if (/Permission denied|EACCES|Operation not permitted|EPERM/i.test(text)) {
    return new PortOpenError('port-permission', path, await permissionAdvice(path), options);
  }
  // Linux: our flock or TIOCEXCL; Windows reports a port held by another program as "Access denied".
  if (/Cannot lock port|Resource temporarily unavailable|resource busy|EBUSY|Access (is )?denied/i.test(text)) {
    return new PortOpenError('port-busy', path, `another program holds ${path} (Thonny, a serial monitor, another mpysync?) — close it and try again`, options);
  }
  return new PortOpenError('port-open-failed', path, `could not open ${path}: ${text}`, options);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

async function permissionAdvice(path: string): Promise<string> {
  const head = `permission denied opening ${path}`;
  let info;
  try {
    info = await stat(path);
  } catch {
    return `${head}. On Linux, add yourself to the group that owns it (usually dialout): sudo usermod -aG dialout $USER, then log out and in.`;
  }
  const group = await groupName(info.gid);
  const mode = modeString(info.mode);
  const groupMayUse = (info.mode & 0o060) === 0o060;
  if (groupMayUse && info.gid !== 0) {
    return `${head}: it belongs to group ${group} (${mode}). Add yourself to that group: sudo usermod -aG ${group} $USER, then log out and in.`;
  }
  return (
    `${head}: only its owner may use it (${mode}, group ${group}). ` +
    `Give it to the dialout group with a udev rule (GROUP="dialout", MODE="0660") and run sudo usermod -aG dialout $USER, ` +
    `or run mpysync as the owner.`
  );
}

async function groupName(gid: number): Promise<string> {
  try {
    const groups = await readFile('/etc/group', 'utf8');
    for (const line of groups.split('\n')) {
      const [name, , id] = line.split(':');
      if (name && id !== undefined && Number(id) === gid) return name;
    }
  } catch {
    // No /etc/group (not Linux): fall through to the number.
  }
  return String(gid);
}

/** `crw-rw----`, as `ls -l` shows it. */
export function modeString(mode: number): string {
  const type = (mode & 0o170000) === 0o020000 ? 'c' : (mode & 0o170000) === 0o040000 ? 'd' : '-';
  let bits = '';
  for (const shift of [6, 3, 0]) {
    const triple = (mode >> shift) & 7;
    bits += (triple & 4 ? 'r' : '-') + (triple & 2 ? 'w' : '-') + (triple & 1 ? 'x' : '-');
  }
  return type + bits;
}
