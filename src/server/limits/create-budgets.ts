import type { ServerSettings } from '../config/read-settings.ts';
import type { ConcurrencyLimiter, RateLimiter, SharedState } from '../shared/shared-state.ts';
import { createTarpit, type Tarpit } from './create-tarpit.ts';

/**
 * Every budget the server counts, in the shared state (so a fleet counts once). Keys: a client
 * is `clientKey(ip)` (IPv4 address, IPv6 /64), a visitor is `appId\nsub`, an app its id.
 */
export interface Budgets {
  /** Session issuance per client per minute (`INKEEP_SESSION_RATE_LIMIT`). */
  session: RateLimiter;
  /** PoW challenges per client per minute. */
  challenge: RateLimiter;
  /** Chat requests per client per minute (app credentials and keyless development callers). */
  clientChat: RateLimiter;
  /** Answers generated at once per client. */
  clientStreams: ConcurrencyLimiter;
  /** Conversation reads per client per minute. */
  clientReads: RateLimiter;
  /** Failed credentials per client per minute; once spent, the client's credentials wait. */
  authFailures: RateLimiter;
  /** Where refusals of clients over their failure budget wait before they are answered. */
  failureTarpit: Tarpit;
  /** Slow (scrypt) key checks per minute, per client and per key id (`key:<id>`). */
  slowKeyChecks: RateLimiter;
  /** Chat requests per visitor per minute (`INKEEP_CHAT_RATE_LIMIT`). */
  visitorChat: RateLimiter;
  /** Chat requests per visitor per day. */
  visitorChatDaily: RateLimiter;
  /** Answers generated at once per visitor. */
  visitorStreams: ConcurrencyLimiter;
  /** Chat requests per app per minute, all its visitors together (absent = unlimited). */
  appChat: RateLimiter | undefined;
  /** Requests per API key (or per client for keyless modes) per minute (`API_RATE_LIMIT`). */
  api: RateLimiter;
}

/** Builds the {@link Budgets} of `settings` on `shared`. */
export function createBudgets(shared: SharedState, settings: ServerSettings): Budgets {
  const { limits } = settings;
  return {
    session: shared.limiter('session', settings.sessionRateLimit),
    challenge: shared.limiter('challenge', limits.ipChallengesPerMinute),
    clientChat: shared.limiter('client-chat', limits.ipChatPerMinute),
    clientStreams: shared.concurrency('client', limits.ipStreams),
    clientReads: shared.limiter('client-reads', limits.ipReadsPerMinute),
    authFailures: shared.limiter('auth-failures', limits.authFailuresPerMinute),
    failureTarpit: createTarpit({ delayMs: limits.authFailureDelayMs }),
    slowKeyChecks: shared.limiter('slow-key-checks', limits.slowKeyChecksPerMinute),
    visitorChat: shared.limiter('chat', settings.chatRateLimit),
    visitorChatDaily: shared.limiter('chat-daily', limits.visitorChatPerDay, 86_400),
    visitorStreams: shared.concurrency('visitor', limits.visitorStreams),
    appChat: limits.appChatPerMinute
      ? shared.limiter('app-chat', limits.appChatPerMinute)
      : undefined,
    api: shared.limiter('api', settings.apiRateLimit),
  };
}
