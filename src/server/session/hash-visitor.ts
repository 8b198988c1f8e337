import { createHmac } from 'node:crypto';

/**
 * A visitor as operators see them, in the dashboard's conversation log and in log lines alike:
 * the first 16 hex digits of HMAC-SHA256 keyed with the fleet's visitor-hash key (made once, at
 * random, in the database: `ServerStores.visitorHashKey`) of app id + "\n" + `sub`. The same
 * visitor shows the same hash in one app, so a log line can be matched to the visitor's
 * conversations; the id never shows, and someone holding only the logs cannot test a guessed
 * user id against a hash.
 */
export function hashVisitor(key: string, appId: string, sub: string): string {
  return createHmac('sha256', key).update(`${appId}\n${sub}`).digest('hex').slice(0, 16);
}
