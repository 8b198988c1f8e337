/** Holds refusals for a while, so a client that keeps guessing gets few answers per second. */
export interface Tarpit {
  /** Resolves after the delay, or at once when `capacity` refusals are held already. */
  hold(): Promise<void>;
  /** Refusals being held now (counted, for tests and the bench). */
  readonly held: number;
}

/**
 * A client whose credentials keep failing is answered 429 — but only after `delayMs`. A guesser
 * on N connections then gets N answers per delay instead of as many as the server can write,
 * which keeps the server free for everyone else. At most `capacity` refusals wait at once
 * (each holds a socket and a timer); beyond that they are answered at once.
 */
export function createTarpit({
  delayMs,
  capacity = 1024,
}: {
  delayMs: number;
  capacity?: number;
}): Tarpit {
  let held = 0;
  return {
    async hold() {
      if (delayMs <= 0 || held >= capacity) return;
      held++;
      try {
        await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      } finally {
        held--;
      }
    },
    get held() {
      return held;
    },
  };
}
