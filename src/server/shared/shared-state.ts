// Ephemeral state every instance of a fleet shares: replay memory (proof-of-work solutions and
// request signatures, each accepted once), rate-limit counters, and change notices (an app edit
// or a key revocation on one instance reaches the others' caches). In memory for one process;
// in Redis for several (create-redis-shared-state.ts).
import { ProblemError } from '../http/problem-error.ts';

/** The state of one budget after a request was counted (or refused). */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds at which the window resets. */
  reset: number;
  /** Seconds to wait when refused. */
  retryAfter: number;
  /** Requests counted in this window so far (this one included), refused ones too. */
  consumed: number;
}

/** A fixed-window budget per key (client IP, visitor, API key), counted fleet-wide. */
export interface RateLimiter {
  /** Counts a request for `key`; `limit` overrides the limiter's own (e.g. a key's setting). */
  consume(key: string, limit?: number): Promise<RateLimitResult>;
  /** The budget of `key` without counting: `allowed` tells whether one more would be. */
  peek(key: string, limit?: number): Promise<RateLimitResult>;
}

/** A held slot of a {@link ConcurrencyLimiter} (or the refusal to give one). */
export interface ConcurrencyLease {
  allowed: boolean;
  limit: number;
  /** Slots held under the key, this one included when allowed. */
  active: number;
  /** Gives the slot back (once; later calls do nothing). */
  release(): void;
}

/** At most `limit` things at once per key (open streams per IP or visitor), fleet-wide. */
export interface ConcurrencyLimiter {
  acquire(key: string, limit?: number): Promise<ConcurrencyLease>;
}

/** A fixed-window budget counted by {@link SharedState.admit}. */
export interface CounterSpec {
  /** The budget's name (its keys' prefix, as for {@link SharedState.limiter}). */
  name: string;
  key: string;
  limit: number;
  windowSeconds: number;
}

/** A concurrency slot taken by {@link SharedState.admit}. */
export interface SlotSpec {
  name: string;
  key: string;
  limit: number;
}

/** The outcome of {@link SharedState.admit}. */
export interface Admission {
  allowed: boolean;
  /** The budget that refused (slots: `retryAfter` 2), else the counter with the fewest left. */
  result: RateLimitResult;
  /** When refused: the name of the budget that refused. */
  budget?: string;
  /** Gives back the slots taken (once; nothing when refused). */
  release(): void;
}

/** Something changed that other instances cache. */
/** `visitor`: one visitor (`sub`) of app `id` was signed out: read that one cutoff again. */
/** `all`: notices may have been missed (e.g. Redis reconnected): reload everything. */
export type ChangeNotice =
  | { type: 'app'; id: string }
  | { type: 'visitor'; id: string; sub: string }
  | { type: 'key'; id: string }
  | { type: 'all' };

/** The shared-state port `createServerApp` takes. */
export interface SharedState {
  readonly engine: 'memory' | 'redis';
  /**
   * Remembers `key` until `expiresAtMs`: `claimed` the first time, `replayed` after that (from
   * any bucket). `full` when memory holds as many live entries for `bucket` (a client's IP
   * prefix) as it takes: one client never fills it for another. Rejects with a 503
   * {@link engineUnavailable} problem when it cannot tell (so replay protection fails closed).
   */
  claim(
    key: string,
    expiresAtMs: number,
    bucket?: string,
  ): Promise<'claimed' | 'replayed' | 'full'>;
  /** A budget of `limit` requests per `windowSeconds` (default 60) under `name`. */
  limiter(name: string, limit: number, windowSeconds?: number): RateLimiter;
  /**
   * Admits one request: counts `counters` in order, stopping at the first that refuses, then
   * takes every slot or none. One round trip with Redis, whatever the number of budgets.
   */
  admit(counters: readonly CounterSpec[], slots: readonly SlotSpec[]): Promise<Admission>;
  /** Tells every instance (this one too). */
  publish(notice: ChangeNotice): Promise<void>;
  /** Listens for notices; returns the unsubscribe function. */
  subscribe(listener: (notice: ChangeNotice) => void): () => void;
  /** `up`, or `down` when the engine does not answer. */
  health(): Promise<'up' | 'down'>;
  /** Round trips to the engine so far (counted, for tests and the bench; 0 in memory). */
  readonly roundTrips: number;
  close(): Promise<void>;
}

/** A required engine (database, Redis) did not answer: the client gets 503 `service_unavailable`. */
export function engineUnavailable(engine: 'database' | 'Redis', cause?: unknown): ProblemError {
  return new ProblemError(
    503,
    'service_unavailable',
    `Service unavailable: ${engine} is unreachable`,
    {
      cause,
    },
  );
}
