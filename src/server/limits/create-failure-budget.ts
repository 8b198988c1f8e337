import type { RateLimiter, RateLimitResult } from '../shared/shared-state.ts';

/** Failed credentials per client: counted fleet-wide, checked without a round trip. */
export interface FailureBudget {
  /** The refusal to answer when `client` spent its budget, as this instance last learned. */
  blocked(client: string): RateLimitResult | undefined;
  /** Counts a failure of `client` (in the shared state, so every instance's count together). */
  fail(client: string): Promise<void>;
  /** Clients this instance holds as blocked now (counted, for tests). */
  readonly size: number;
}

/**
 * A {@link FailureBudget} over a shared limiter. Failures are counted where the fleet counts;
 * the answer "this client waits" is remembered here until its window ends, so checking a
 * credential-bearing request costs no round trip. A client spread over several instances is
 * stopped on each once its fleet-wide count is spent there: a few failures more, not a bypass.
 */
export function createFailureBudget(
  limiter: RateLimiter,
  now: () => number = Date.now,
): FailureBudget {
  // In insertion order, which is expiry order (every window is as long): sweep from the front.
  const blockedUntil = new Map<string, RateLimitResult>();
  const sweep = () => {
    const seconds = now() / 1000;
    for (const [client, result] of blockedUntil) {
      if (result.reset > seconds) return;
      blockedUntil.delete(client);
    }
  };
  return {
    blocked(client) {
      sweep();
      const result = blockedUntil.get(client);
      if (!result) return;
      const retryAfter = Math.max(1, Math.ceil(result.reset - now() / 1000));
      return { ...result, retryAfter };
    },
    async fail(client) {
      const result = await limiter.consume(client);
      if (result.remaining > 0) return;
      // Spent: this client's next request waits, whether or not its credential would pass.
      blockedUntil.delete(client);
      blockedUntil.set(client, { ...result, allowed: false });
    },
    get size() {
      return blockedUntil.size;
    },
  };
}
