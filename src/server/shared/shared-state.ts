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
}

/** A fixed-window budget per key (client IP, visitor, API key), counted fleet-wide. */
export interface RateLimiter {
  /** Counts a request for `key`; `limit` overrides the limiter's own (e.g. a key's setting). */
  consume(key: string, limit?: number): Promise<RateLimitResult>;
}

/** Something changed that other instances cache. */
/** `all`: notices may have been missed (e.g. Redis reconnected): reload everything. */
export type ChangeNotice =
  | { type: 'app'; id: string }
  | { type: 'key'; id: string }
  | { type: 'all' };

/** The shared-state port `createServerApp` takes. */
export interface SharedState {
  readonly engine: 'memory' | 'redis';
  /**
   * Remembers `key` until `expiresAtMs`: `claimed` the first time, `replayed` after that, `full`
   * when bounded memory cannot take more. Rejects with a 503 {@link engineUnavailable} problem when it
   * cannot tell (so replay protection fails closed).
   */
  claim(key: string, expiresAtMs: number): Promise<'claimed' | 'replayed' | 'full'>;
  /** A budget of `limit` requests per `windowSeconds` (default 60) under `name`. */
  limiter(name: string, limit: number, windowSeconds?: number): RateLimiter;
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
