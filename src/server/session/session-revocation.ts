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

/**
 * When to sign one visitor out now (unix ms) so that every token they hold is refused. A token
 * carries whole seconds, and the token service moves a new token's `iat` up to the app's first
 * valid second, and a signed-in user's up to their own (`seconds`, with any `iat` known to be
 * held): a token issued so far carries at most the latest of them, and a cutoff within that
 * second refuses it.
 */
export function visitorSignOutCutoff(
  app: Pick<App, 'sessionsRevokedBefore'>,
  nowMs: number,
  ...seconds: number[]
): number {
  return Math.max(nowMs, firstValidSecondOf(app) * 1000, ...seconds.map((second) => second * 1000));
}
