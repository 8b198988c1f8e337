/** The state of one key's window after a request was counted (or refused). */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds at which a slot frees up. */
  reset: number;
  /** Seconds to wait when refused. */
  retryAfter: number;
}

/** A sliding-window rate limiter keyed by client IP, visitor or key. */
export interface RateLimiter {
  /** Counts a request for `key` when under the limit. */
  consume(key: string, limit?: number): RateLimitResult;
  /** The state for `key` without counting anything. */
  peek(key: string, limit?: number): RateLimitResult;
  /** How many keys are tracked (idle ones are dropped). */
  readonly size: number;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  limit: number;
  windowMs?: number;
  now?: () => number;
  /** Keys tracked at most; beyond it idle keys are swept and then the oldest dropped. */
  maxKeys?: number;
}

/**
 * Creates a sliding-log limiter: each key keeps the times of its requests inside the window,
 * so exactly `limit` requests pass in any `windowMs` span and the window slides smoothly.
 */
export function createRateLimiter({
  limit: defaultLimit,
  windowMs = 60_000,
  now = Date.now,
  maxKeys = 100_000,
}: RateLimiterOptions): RateLimiter {
  // Each log is the request times of one key, oldest first, from index `head` on: expiring
  // moves `head` instead of shifting the array, so a busy key costs O(1) per request.
  const logs = new Map<string, { times: number[]; head: number }>();
  let lastSweep = now();

  const sweep = (time: number) => {
    lastSweep = time;
    for (const [key, log] of logs) {
      const newest = log.times[log.times.length - 1];
      if (newest === undefined || newest <= time - windowMs) logs.delete(key);
    }
  };

  const state = (key: string, time: number) => {
    const log = logs.get(key) ?? { times: [], head: 0 };
    const { times } = log;
    while (log.head < times.length && (times[log.head] ?? 0) <= time - windowMs) log.head++;
    if (log.head > 64 && log.head * 2 > times.length) {
      log.times = times.slice(log.head);
      log.head = 0;
    }
    return log;
  };

  const result = (
    log: { times: number[]; head: number },
    limit: number,
    time: number,
    allowed: boolean,
  ) => {
    const oldest = log.times[log.head];
    const freesAt = oldest === undefined ? time : oldest + windowMs;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - (log.times.length - log.head)),
      reset: Math.ceil(freesAt / 1000),
      retryAfter: allowed ? 0 : Math.max(1, Math.ceil((freesAt - time) / 1000)),
    };
  };

  return {
    consume(key, limit = defaultLimit) {
      const time = now();
      if (time - lastSweep > windowMs || logs.size >= maxKeys) sweep(time);
      const log = state(key, time);
      if (log.times.length - log.head >= limit) return result(log, limit, time, false);
      log.times.push(time);
      if (!logs.has(key)) {
        if (logs.size >= maxKeys) {
          const oldestKey = logs.keys().next().value;
          if (oldestKey !== undefined) logs.delete(oldestKey);
        }
        logs.set(key, log);
      }
      return result(log, limit, time, true);
    },
    peek(key, limit = defaultLimit) {
      const time = now();
      return result(state(key, time), limit, time, true);
    },
    get size() {
      return logs.size;
    },
  };
}
