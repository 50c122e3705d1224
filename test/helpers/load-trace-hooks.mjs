// Module hooks for `node --import`: every module URL resolved is appended to $MPYSYNC_LOAD_TRACE (test/unit/cli-startup.test.ts).
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.MPYSYNC_LOAD_TRACE, resolved.url + '\n');
  return resolved;
}
