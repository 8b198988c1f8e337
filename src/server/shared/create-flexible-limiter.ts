import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiter, RateLimitResult } from './shared-state.ts';

/**
 * A {@link RateLimiter} over rate-limiter-flexible: one of its limiters per distinct limit (a
 * key may carry its own), each a fixed window counted in one atomic step of its store.
 * `onStoreError` is told when the store failed and the request was let through uncounted.
 * Its stores never evict a live key to make room for new ones, so flooding a limiter with new
 * keys cannot reset anyone's count: entries leave only when their window ends.
 */
export function createFlexibleLimiter(
  defaultLimit: number,
  create: (points: number) => RateLimiterAbstract,
  onStoreError?: (error: unknown) => void,
): RateLimiter {
  const byLimit = new Map<number, RateLimiterAbstract>();
  const limiterFor = (limit: number) => {
    let limiter = byLimit.get(limit);
    if (!limiter) {
      limiter = create(limit);
      byLimit.set(limit, limiter);
    }
    return limiter;
  };
  const result = (limit: number, state: RateLimiterRes, allowed: boolean): RateLimitResult => {
    const waitMs = Math.max(0, state.msBeforeNext);
    return {
      allowed,
      limit,
      remaining: Math.max(0, state.remainingPoints),
      reset: Math.ceil((Date.now() + waitMs) / 1000),
      retryAfter: allowed ? 0 : Math.max(1, Math.ceil(waitMs / 1000)),
      consumed: state.consumedPoints,
    };
  };
  const unlimited = (limit: number, consumed: number): RateLimitResult => ({
    allowed: true,
    limit,
    remaining: Math.max(0, limit - consumed),
    reset: Math.ceil(Date.now() / 1000) + 60,
    retryAfter: 0,
    consumed,
  });
  return {
    async consume(key, limit = defaultLimit) {
      try {
        return result(limit, await limiterFor(limit).consume(key), true);
      } catch (error) {
        if (error instanceof RateLimiterRes) return result(limit, error, false);
        // The store failed and had no fallback: serve rather than refuse everyone.
        onStoreError?.(error);
        return unlimited(limit, 0);
      }
    },
    async peek(key, limit = defaultLimit) {
      try {
        const state = await limiterFor(limit).get(key);
        if (!state || state.msBeforeNext <= 0) return unlimited(limit, 0);
        return result(limit, state, state.consumedPoints < limit);
      } catch (error) {
        onStoreError?.(error);
        return unlimited(limit, 0);
      }
    },
  };
}
