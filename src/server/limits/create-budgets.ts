import type { ServerSettings } from '../config/read-settings.ts';
import type { CounterSpec, RateLimiter, SharedState, SlotSpec } from '../shared/shared-state.ts';
import { createFailureBudget, type FailureBudget } from './create-failure-budget.ts';
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
  /**
   * What one chat request of a visitor spends, for `shared.admit`: chat requests per client
   * and per visitor (minute, day) and per app (when set), then a slot for its answer per client
   * and per visitor. `appId` is absent for keyless development callers.
   */
  chat(client: string, visitor: string, appId?: string): [CounterSpec[], SlotSpec[]];
  /** Conversation reads per client per minute. */
  clientReads: RateLimiter;
  /** Answer feedback writes per client per minute (`INKEEP_IP_FEEDBACK_RATE_LIMIT`). */
  clientFeedback: RateLimiter;
  /** Failed credentials per client per minute; once spent, the client's credentials wait. */
  authFailures: FailureBudget;
  /** Where refusals of clients over their failure budget wait before they are answered. */
  failureTarpit: Tarpit;
  /** Slow (scrypt) key checks per minute, per client and per key id (`key:<id>`). */
  slowKeyChecks: RateLimiter;
  /** Requests per API key (or per client for keyless modes) per minute (`API_RATE_LIMIT`). */
  api: RateLimiter;
}

/** Builds the {@link Budgets} of `settings` on `shared`. */
export function createBudgets(shared: SharedState, settings: ServerSettings): Budgets {
  const { limits } = settings;
  return {
    session: shared.limiter('session', settings.sessionRateLimit),
    challenge: shared.limiter('challenge', limits.ipChallengesPerMinute),
    chat(client, visitor, appId) {
      const minute = (name: string, key: string, limit: number) => ({
        name,
        key,
        limit,
        windowSeconds: 60,
      });
      return [
        [
          minute('client-chat', client, limits.ipChatPerMinute),
          minute('chat', visitor, settings.chatRateLimit),
          {
            name: 'chat-daily',
            key: visitor,
            limit: limits.visitorChatPerDay,
            windowSeconds: 86_400,
          },
          ...(appId && limits.appChatPerMinute
            ? [minute('app-chat', appId, limits.appChatPerMinute)]
            : []),
        ],
        [
          { name: 'client-streams', key: client, limit: limits.ipStreams },
          { name: 'visitor-streams', key: visitor, limit: limits.visitorStreams },
        ],
      ];
    },
    clientReads: shared.limiter('client-reads', limits.ipReadsPerMinute),
    clientFeedback: shared.limiter('client-feedback', limits.ipFeedbackPerMinute),
    authFailures: createFailureBudget(
      shared.limiter('auth-failures', limits.authFailuresPerMinute),
    ),
    failureTarpit: createTarpit({ delayMs: limits.authFailureDelayMs }),
    slowKeyChecks: shared.limiter('slow-key-checks', limits.slowKeyChecksPerMinute),
    api: shared.limiter('api', settings.apiRateLimit),
  };
}
