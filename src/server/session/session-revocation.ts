// Revoking anonymous sessions. Tokens carry their issue time in whole seconds (`iat`), so a
// revocation at time T refuses every token issued in T's second or earlier, and a token issued
// after it carries at least the next second (the token service moves `iat` up to it): a token
// from just before a revocation never survives it, and one from just after is never refused.
import type { App } from '../apps/app.ts';

/** The first `iat` (unix seconds) that a revocation at `beforeMs` leaves valid. */
export function firstValidSecond(beforeMs: number): number {
  return Math.floor(beforeMs / 1000) + 1;
}

/** The least `iat` a token of `app` may carry now that its sessions may have been revoked. */
export function firstValidSecondOf(app: Pick<App, 'sessionsRevokedBefore'>): number {
  const before = app.sessionsRevokedBefore;
  return before === undefined ? 0 : firstValidSecond(Date.parse(before));
}
