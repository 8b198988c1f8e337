import type { Context } from 'hono';
import type {
  ConcurrencyLease,
  ConcurrencyLimiter,
  RateLimiter,
  RateLimitResult,
} from '../shared/shared-state.ts';
import { ProblemError } from './problem-error.ts';

/** Sets the X-RateLimit-* headers every response of a rate-limited route carries. */
export function setRateLimitHeaders(c: Context, result: RateLimitResult): void {
  c.header('X-RateLimit-Limit', String(result.limit));
  c.header('X-RateLimit-Remaining', String(result.remaining));
  c.header('X-RateLimit-Reset', String(result.reset));
}

/** Sets the headers and throws 429 `rate_limit_exceeded` when the request was refused. */
export function enforceRateLimit(c: Context, result: RateLimitResult): void {
  setRateLimitHeaders(c, result);
  if (!result.allowed) {
    throw new ProblemError(429, 'rate_limit_exceeded', 'Rate limit exceeded', {
      retryAfter: result.retryAfter,
    });
  }
}

/**
 * Counts a request against several budgets in order, stopping at the first that refuses (so a
 * refusal by one spends none after it). The headers describe the refusing budget, else the one
 * with the fewest requests left; throws 429 `rate_limit_exceeded` when one refused.
 */
export async function enforceRateLimits(
  c: Context,
  budgets: readonly (readonly [RateLimiter, string])[],
): Promise<void> {
  let tightest: RateLimitResult | undefined;
  for (const [limiter, key] of budgets) {
    const result = await limiter.consume(key);
    if (!result.allowed) return enforceRateLimit(c, result);
    if (!tightest || result.remaining < tightest.remaining) tightest = result;
  }
  if (tightest) setRateLimitHeaders(c, tightest);
}

/**
 * Takes one slot of each concurrency budget, or none: when one refuses, the slots taken are
 * given back and 429 `rate_limit_exceeded` is thrown (retry when an answer ends: a few seconds).
 * @returns releases every slot taken (call once the answer ends, however it ends).
 */
export async function acquireSlots(
  c: Context,
  budgets: readonly (readonly [ConcurrencyLimiter, string])[],
): Promise<() => void> {
  const held: ConcurrencyLease[] = [];
  const releaseAll = () => {
    for (const lease of held) lease.release();
  };
  for (const [limiter, key] of budgets) {
    const lease = await limiter.acquire(key);
    if (!lease.allowed) {
      releaseAll();
      const retryAfter = 2;
      enforceRateLimit(c, {
        allowed: false,
        limit: lease.limit,
        remaining: 0,
        reset: Math.ceil(Date.now() / 1000) + retryAfter,
        retryAfter,
        consumed: lease.active,
      });
    }
    held.push(lease);
  }
  return releaseAll;
}
