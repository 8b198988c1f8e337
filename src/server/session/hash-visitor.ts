import { createHash } from 'node:crypto';

/**
 * A visitor as operators see them, in the dashboard's conversation log and in log lines alike:
 * the first 16 hex digits of SHA-256(app id + "\n" + `sub`). The same visitor shows the same hash
 * in one app, so a log line can be matched to the visitor's conversations; the id never shows.
 */
export function hashVisitor(appId: string, sub: string): string {
  return createHash('sha256').update(`${appId}\n${sub}`).digest('hex').slice(0, 16);
}
