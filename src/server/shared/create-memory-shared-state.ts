import { RateLimiterMemory } from 'rate-limiter-flexible';
import { admitInOrder } from './admit-in-order.ts';
import { createFlexibleLimiter } from './create-flexible-limiter.ts';
import type { ChangeNotice, ConcurrencyLimiter, RateLimiter, SharedState } from './shared-state.ts';

/** Options of {@link createMemorySharedState}. */
export interface MemorySharedStateOptions {
  /** Live replay entries kept per bucket (a client's IP prefix); beyond it that bucket is `full`. */
  replayCapacityPerBucket?: number;
  now?: () => number;
}

/** Counts held slots per key in this process. */
export function createMemoryConcurrency(defaultLimit: number): ConcurrencyLimiter {
  const held = new Map<string, number>();
  return {
    async acquire(key, limit = defaultLimit) {
      const active = held.get(key) ?? 0;
      if (active >= limit) return { allowed: false, limit, active, release() {} };
      held.set(key, active + 1);
      let released = false;
      return {
        allowed: true,
        limit,
        active: active + 1,
        release() {
          if (released) return;
          released = true;
          const left = (held.get(key) ?? 1) - 1;
          if (left > 0) held.set(key, left);
          else held.delete(key);
        },
      };
    },
  };
}

/** Shared state for one process: replay memory, rate limits and notices in memory. */
export function createMemorySharedState({
  replayCapacityPerBucket = 1000,
  now = Date.now,
}: MemorySharedStateOptions = {}): SharedState {
  // In insertion order, which is nearly expiry order: expired entries leave from the front, so
  // each claim costs O(1) on average. No count cap across buckets: time bounds the memory.
  const entries = new Map<string, { expiresAt: number; bucket: string }>();
  const perBucket = new Map<string, number>();
  const forget = (key: string, bucket: string) => {
    entries.delete(key);
    const left = (perBucket.get(bucket) ?? 1) - 1;
    if (left > 0) perBucket.set(bucket, left);
    else perBucket.delete(bucket);
  };
  const sweep = (time: number) => {
    for (const [key, entry] of entries) {
      if (entry.expiresAt > time) return;
      forget(key, entry.bucket);
    }
  };
  const listeners = new Set<(notice: ChangeNotice) => void>();
  const limiter = (name: string, limit: number, windowSeconds = 60) =>
    createFlexibleLimiter(
      limit,
      (points) => new RateLimiterMemory({ keyPrefix: name, points, duration: windowSeconds }),
    );
  // What admit() counts lives here, one limiter per budget name, so its counts persist.
  const admitted = new Map<string, RateLimiter>();
  const slots = new Map<string, ConcurrencyLimiter>();
  const cached = <T>(map: Map<string, T>, name: string, create: () => T) => {
    let found = map.get(name);
    if (!found) {
      found = create();
      map.set(name, found);
    }
    return found;
  };
  return {
    engine: 'memory',
    async claim(key, expiresAtMs, bucket = '') {
      const time = now();
      sweep(time);
      const known = entries.get(key);
      if (known) {
        if (known.expiresAt > time) return 'replayed';
        forget(key, known.bucket);
      }
      if ((perBucket.get(bucket) ?? 0) >= replayCapacityPerBucket) return 'full';
      entries.set(key, { expiresAt: expiresAtMs, bucket });
      perBucket.set(bucket, (perBucket.get(bucket) ?? 0) + 1);
      return 'claimed';
    },
    limiter,
    admit: (counters, slotSpecs) =>
      admitInOrder(
        counters,
        slotSpecs,
        (spec) =>
          cached(admitted, `${spec.name}\n${spec.windowSeconds}`, () =>
            limiter(spec.name, spec.limit, spec.windowSeconds),
          ),
        (spec) => cached(slots, spec.name, () => createMemoryConcurrency(spec.limit)),
      ),
    async publish(notice) {
      for (const listener of listeners) listener(notice);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    health: async () => 'up',
    roundTrips: 0,
    async close() {
      listeners.clear();
    },
  };
}
