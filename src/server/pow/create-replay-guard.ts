/** Remembers accepted proof-of-work solutions until they expire, so each is used once. */
export interface ReplayGuard {
  /**
   * `claimed` the first time a key is seen, `replayed` after that until `expiresAt`, `full` when
   * the bounded memory holds only unexpired entries (the caller must refuse, not forget one).
   */
  claim(key: string, expiresAt: number): 'claimed' | 'replayed' | 'full';
  /** How many solutions are remembered now. */
  readonly size: number;
}

/** Options of {@link createReplayGuard}. */
export interface ReplayGuardOptions {
  capacity?: number;
  now?: () => number;
}

/** Creates a bounded {@link ReplayGuard}; expired entries are dropped as new ones arrive. */
export function createReplayGuard({
  capacity = 100_000,
  now = Date.now,
}: ReplayGuardOptions = {}): ReplayGuard {
  const expiries = new Map<string, number>();
  let claimsSinceSweep = 0;
  const sweep = (time: number) => {
    claimsSinceSweep = 0;
    for (const [key, expiresAt] of expiries) if (expiresAt <= time) expiries.delete(key);
  };
  return {
    claim(key, expiresAt) {
      const time = now();
      const known = expiries.get(key);
      if (known !== undefined && known > time) return 'replayed';
      // Sweeping in batches keeps each claim O(1) on average while memory stays bounded.
      if (++claimsSinceSweep >= 1024 || expiries.size >= capacity) sweep(time);
      if (expiries.size >= capacity) return 'full';
      expiries.set(key, expiresAt);
      return 'claimed';
    },
    get size() {
      return expiries.size;
    },
  };
}
