import type { Context } from 'hono';
import type { RateLimitResult } from '../shared/shared-state.ts';
import { ProblemError } from './problem-error.ts';

/** Sets the X-RateLimit-* headers every response of a rate-limited route carries. */
export function setRateLimitHeaders(c: Context, result: RateLimitResult): void {
  c.header('X-RateLimit-Limit', String(result.limit));
  c.header('X-RateLimit-Remaining', String(result.remaining));
  c.header('X-RateLimit-Reset', String(result.reset));
}

/**
 * Sets the headers and throws 429 `rate_limit_exceeded` when the request was refused; `budget`
 * names the budget for the refusal metrics.
 */
export function enforceRateLimit(c: Context, result: RateLimitResult, budget: string): void {
  setRateLimitHeaders(c, result);
  if (!result.allowed) {
    throw new ProblemError(429, 'rate_limit_exceeded', 'Rate limit exceeded', {
      retryAfter: result.retryAfter,
      budget,
    });
  }
}
