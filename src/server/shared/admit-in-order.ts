import type {
  Admission,
  ConcurrencyLease,
  ConcurrencyLimiter,
  CounterSpec,
  RateLimiter,
  RateLimitResult,
  SlotSpec,
} from './shared-state.ts';

/** Seconds a client is told to wait when every slot of a key is taken. */
export const slotRetryAfterSeconds = 2;

/** The 429 of a concurrency budget whose slots are all held. */
export function slotRefusal(limit: number, active: number, nowMs = Date.now()): RateLimitResult {
  return {
    allowed: false,
    limit,
    remaining: 0,
    reset: Math.ceil(nowMs / 1000) + slotRetryAfterSeconds,
    retryAfter: slotRetryAfterSeconds,
    consumed: active,
  };
}

/** The counter with the fewest requests left, for the headers of an admitted request. */
export function tightest(results: readonly RateLimitResult[]): RateLimitResult {
  let best: RateLimitResult | undefined;
  for (const result of results) if (!best || result.remaining < best.remaining) best = result;
  return (
    best ?? {
      allowed: true,
      limit: 0,
      remaining: 0,
      reset: Math.ceil(Date.now() / 1000),
      retryAfter: 0,
      consumed: 0,
    }
  );
}

/**
 * {@link SharedState.admit} over limiters and concurrency limiters, one call each: what the
 * memory engine does, and Redis while it is unreachable.
 */
export async function admitInOrder(
  counters: readonly CounterSpec[],
  slots: readonly SlotSpec[],
  limiterOf: (spec: CounterSpec) => RateLimiter,
  concurrencyOf: (spec: SlotSpec) => ConcurrencyLimiter,
): Promise<Admission> {
  const results: RateLimitResult[] = [];
  for (const spec of counters) {
    const result = await limiterOf(spec).consume(spec.key, spec.limit);
    if (!result.allowed) return { allowed: false, result, budget: spec.name, release() {} };
    results.push(result);
  }
  const held: ConcurrencyLease[] = [];
  const release = () => {
    for (const lease of held.splice(0)) lease.release();
  };
  for (const spec of slots) {
    const lease = await concurrencyOf(spec).acquire(spec.key, spec.limit);
    if (!lease.allowed) {
      release();
      return {
        allowed: false,
        result: slotRefusal(lease.limit, lease.active),
        budget: spec.name,
        release() {},
      };
    }
    held.push(lease);
  }
  return { allowed: true, result: tightest(results), release };
}
