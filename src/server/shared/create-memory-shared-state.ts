import { RateLimiterMemory } from 'rate-limiter-flexible';
import { createFlexibleLimiter } from './create-flexible-limiter.ts';
import type { ChangeNotice, SharedState } from './shared-state.ts';

/** Options of {@link createMemorySharedState}. */
export interface MemorySharedStateOptions {
  /** Replay entries kept at most; beyond it the caller is told `full` (expired ones go first). */
  replayCapacity?: number;
  now?: () => number;
}

/** Shared state for one process: replay memory, rate limits and notices in memory. */
export function createMemorySharedState({
  replayCapacity = 100_000,
  now = Date.now,
}: MemorySharedStateOptions = {}): SharedState {
  const expiries = new Map<string, number>();
  let claimsSinceSweep = 0;
  const sweep = (time: number) => {
    claimsSinceSweep = 0;
    for (const [key, expiresAt] of expiries) if (expiresAt <= time) expiries.delete(key);
  };
  const listeners = new Set<(notice: ChangeNotice) => void>();
  return {
    engine: 'memory',
    async claim(key, expiresAtMs) {
      const time = now();
      const known = expiries.get(key);
      if (known !== undefined && known > time) return 'replayed';
      // Sweeping in batches keeps each claim O(1) on average while memory stays bounded.
      if (++claimsSinceSweep >= 1024 || expiries.size >= replayCapacity) sweep(time);
      if (expiries.size >= replayCapacity) return 'full';
      expiries.set(key, expiresAtMs);
      return 'claimed';
    },
    limiter: (name, limit, windowSeconds = 60) =>
      createFlexibleLimiter(
        limit,
        (points) => new RateLimiterMemory({ keyPrefix: name, points, duration: windowSeconds }),
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
