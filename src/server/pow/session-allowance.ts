import type { RateLimitResult } from '../shared/shared-state.ts';
import { powLevel } from './pow-settings.ts';

/** What the session route allows a client, given its session budget as just counted. */
export interface SessionAllowance {
  /** The budget as the client sees it (headers, 429): every level's requests together. */
  limit: RateLimitResult;
  /** The lowest challenge level a solution must have (0: any). */
  level: number;
}

/**
 * With proof of work a client over its session budget is not refused at once: each further
 * budget's worth of requests in the window needs a challenge one level harder, and only past
 * `maxLevel` is it refused. So the limit a client sees is budget × (maxLevel + 1).
 * @example sessionAllowance({ limit: 20, consumed: 21, … }, 3) // → level 1, limit 80
 */
export function sessionAllowance(counted: RateLimitResult, maxLevel: number): SessionAllowance {
  const cap = counted.limit * (maxLevel + 1);
  const allowed = counted.consumed <= cap;
  return {
    limit: {
      ...counted,
      allowed,
      limit: cap,
      remaining: Math.max(0, cap - counted.consumed),
      retryAfter: allowed ? 0 : Math.max(1, counted.retryAfter),
    },
    level: Math.min(maxLevel, powLevel(counted.consumed, counted.limit)),
  };
}
