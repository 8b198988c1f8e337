import type { UsageAlerts } from './alerts/create-usage-alerts.ts';
import type { Responder } from './chat/responder.ts';
import type { ServerSettings } from './config/read-settings.ts';
import type { IpAllowlist } from './keys/ip-allowlist.ts';
import type { Budgets } from './limits/create-budgets.ts';
import type { Logger } from './logs/create-logger.ts';
import type { ServerMetrics } from './metrics/create-metrics.ts';
import type { PowService } from './pow/create-pow-service.ts';
import type { TokenService } from './session/create-token-service.ts';
import type { SharedState } from './shared/shared-state.ts';
import type { Drain } from './shutdown/create-drain.ts';
import type {
  ApiKeyStore,
  AppStore,
  ConversationStore,
  FeedbackStore,
  ServerStores,
} from './storage/stores.ts';

/**
 * The collaborators every route receives; built once per server by `createServerApp`. The
 * state-backed ones are there once the server is ready (before its first request is handled),
 * so routes read them per request, never when they are created.
 */
export interface ServerContext {
  settings: ServerSettings;
  stores: ServerStores;
  shared: SharedState;
  apps: AppStore;
  conversations: ConversationStore;
  feedback: FeedbackStore;
  apiKeys: ApiKeyStore;
  tokens: TokenService;
  pow: PowService | undefined;
  /** Every rate and concurrency budget, counted in `shared`. */
  budgets: Budgets;
  /** API-key usage alerts (log, `alertedAt`, signed webhook), once per window fleet-wide. */
  alerts: UsageAlerts;
  responder: Responder;
  /** `ALLOWED_IPS`, parsed once; undefined = every IP. */
  allowedIps: IpAllowlist | undefined;
  now: () => number;
  /** The request log and anything else worth a line (silent unless the caller gives one). */
  logger: Logger;
  /** This server's Prometheus metrics (`GET /metrics`). */
  metrics: ServerMetrics;
  /** Requests and streams in flight, and whether the server is shutting down. */
  drain: Drain;
  /**
   * Run once at shutdown, after the streams ended and before the stores close, in order (e.g.
   * usage counters written out). Modules push their own; a failing hook is logged, never fatal.
   */
  flushHooks: (() => Promise<void> | void)[];
}
