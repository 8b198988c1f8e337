import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { recordActivity } from './activity/record-activity.ts';
import { createUsageAlerts, type UsageAlertsOptions } from './alerts/create-usage-alerts.ts';
import type { App } from './apps/app.ts';
import { createEchoResponder } from './chat/create-echo-responder.ts';
import { createOpenAiResponder } from './chat/create-openai-responder.ts';
import { createScriptedResponder } from './chat/create-scripted-responder.ts';
import type { Responder } from './chat/responder.ts';
import { normalizeApps } from './config/load-apps.ts';
import { type Environment, readSettings, type ServerSettings } from './config/read-settings.ts';
import { keyOfRequest } from './http/authenticate.ts';
import { cors } from './http/cors.ts';
import { ProblemError, problemResponse } from './http/problem-error.ts';
import { checkContentLength } from './http/read-json-body.ts';
import { refuseWhileDraining, trackRequests } from './http/track-requests.ts';
import { validationHook } from './http/validation-hook.ts';
import { createIpAllowlist } from './keys/ip-allowlist.ts';
import { createBudgets } from './limits/create-budgets.ts';
import { type Logger, silentLogger } from './logs/create-logger.ts';
import { createMetrics } from './metrics/create-metrics.ts';
import { openServerState } from './open-server-state.ts';
import { createPowService } from './pow/create-pow-service.ts';
import { createApiKeyRoutes } from './routes/api-key-routes.ts';
import { createChatRoutes } from './routes/chat-routes.ts';
import { createConversationRoutes } from './routes/conversation-routes.ts';
import { createFeedbackRoutes } from './routes/feedback-routes.ts';
import { createHealthRoutes, createLivenessRoutes } from './routes/health-routes.ts';
import { createManageActivityRoutes } from './routes/manage-activity-routes.ts';
import { createManageFeedbackRoutes } from './routes/manage-feedback-routes.ts';
import { createManageRoutes } from './routes/manage-routes.ts';
import { createManageUiRoutes, type ManageUiOptions } from './routes/manage-ui-routes.ts';
import { createMetricsRoutes } from './routes/metrics-routes.ts';
import { createOpenApiRoutes } from './routes/openapi-routes.ts';
import { createSessionRoutes } from './routes/session-routes.ts';
import { createUiChatRoutes } from './routes/ui-chat-routes.ts';
import { createUserSessionRoutes } from './routes/user-session-routes.ts';
import type { ServerContext } from './server-context.ts';
import { createTokenService } from './session/create-token-service.ts';
import { createMemorySharedState } from './shared/create-memory-shared-state.ts';
import { engineUnavailable, type SharedState } from './shared/shared-state.ts';
import { createDrain } from './shutdown/create-drain.ts';
import { isEngineUnreachable } from './storage/is-engine-unreachable.ts';
import type { ServerStores } from './storage/stores.ts';

/** Options of {@link createServerApp}; everything has a default. */
export interface ServerAppOptions {
  /** Apps as in the config file's `apps` array (validated; defaults filled in). They seed the
   * database: an id the database has never had is created, and the dashboard owns it after. */
  apps?: readonly (App | Record<string, unknown>)[];
  /** Environment variables to read settings from (default: none, so tests are hermetic). */
  env?: Environment;
  /** Settings that win over `env`. */
  settings?: Partial<ServerSettings>;
  /**
   * The durable stores (see `openStores`). Default: opened from the settings (`DATABASE_URL`,
   * else embedded PostgreSQL in memory or under `dataDir`) with the shared state below.
   */
  stores?: ServerStores | Promise<ServerStores>;
  /** Fleet-wide ephemeral state (default: from `REDIS_URL` with the default stores, else memory). */
  shared?: SharedState;
  /** With the default stores: keep the embedded database in this folder (`--data DIR`). */
  dataDir?: string | undefined;
  /** Replaces the responder chosen by `settings.responder`. */
  responder?: Responder;
  /** The clock, in ms (tokens, PoW expiry, timestamps). */
  now?: () => number;
  /** Used by the `openai` responder. */
  fetch?: typeof globalThis.fetch;
  /** Told about insecure defaults (e.g. a random JWT secret) and unreachable engines. */
  onWarning?: (message: string) => void;
  /**
   * How usage alerts log and reach their webhook (default: a line on stderr, the global
   * `fetch`, real waits between attempts); tests pass their own.
   */
  alerts?: Pick<UsageAlertsOptions, 'log' | 'fetch' | 'sleep' | 'newId'>;
  /** The dashboard at `/manage/` (default on, from `dist/manage`); `false` turns it off. */
  manageUi?: ManageUiOptions | false;
  /** Where the request log goes (see `createLogger`); default: nowhere, so tests stay quiet. */
  logger?: Logger;
  /** Count requests in the metrics of `GET /metrics` (default true; the bench's baseline turns it off). */
  recordMetrics?: boolean;
}

/** A Run API app with the promise of its state (the first request waits for it too). */
export type ServerApp = OpenAPIHono & {
  /** Resolves once the stores are open and the config apps are seeded; rejects if they fail. */
  ready: Promise<void>;
  /** The context the routes share (for tests and benchmarks that count work). */
  context: ServerContext;
};

/** The headers browsers may read from cross-origin responses. */
const exposedHeaders = [
  'x-request-id',
  'x-inkeep-conversation-id',
  'x-inkeep-message-id',
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

function chooseResponder(settings: ServerSettings, fetch: typeof globalThis.fetch | undefined) {
  if (settings.responder === 'echo')
    return createEchoResponder({ tokenDelayMs: settings.tokenDelayMs });
  if (settings.responder === 'openai' && settings.upstream) {
    return createOpenAiResponder({ ...settings.upstream, ...(fetch ? { fetch } : {}) });
  }
  return createScriptedResponder({ tokenDelayMs: settings.tokenDelayMs });
}

/**
 * Builds the Run API as a Hono app (`app.fetch` / `app.request`), with no listener and no
 * side effects beyond opening its state. Throws `ConfigError` for bad apps or settings; state
 * that fails to open rejects `ready` and answers 503 `service_unavailable`.
 * @example
 * const app = createServerApp({ apps: [{ id: 'app_demo', name: 'Demo', config: { webClient: { allowedDomains: ['localhost'] } } }] });
 * const response = await app.request('/healthz');
 */
export function createServerApp(options: ServerAppOptions = {}): ServerApp {
  const now = options.now ?? Date.now;
  const { settings, warnings } = readSettings(options.env ?? {}, options.settings ?? {});
  for (const warning of warnings) options.onWarning?.(warning);
  const configApps = normalizeApps(options.apps ?? []);
  const context = {
    settings,
    tokens: createTokenService({
      secret: settings.jwtSecret,
      lifetimeSeconds: settings.sessionLifetimeSeconds,
      now,
    }),
    responder: options.responder ?? chooseResponder(settings, options.fetch),
    allowedIps: settings.allowedIps ? createIpAllowlist(settings.allowedIps) : undefined,
    now,
    logger: options.logger ?? silentLogger(),
    drain: createDrain(),
    flushHooks: [],
  } as unknown as ServerContext;
  context.metrics = createMetrics({
    activeStreams: () => context.drain.activeStreams,
    database: () => context.stores.health(),
    redis: async () => (context.shared.engine === 'redis' ? context.shared.health() : 'unused'),
  });
  const ready = (async () => {
    const state = options.stores
      ? { stores: await options.stores, shared: options.shared ?? createMemorySharedState({ now }) }
      : await openServerState({
          settings,
          dataDir: options.dataDir,
          onWarning: options.onWarning,
          now,
          ...(options.shared ? { shared: options.shared } : {}),
        });
    const { stores, shared } = state;
    Object.assign(context, {
      stores,
      shared,
      apps: stores.apps,
      conversations: stores.conversations,
      feedback: stores.feedback,
      apiKeys: stores.apiKeys,
      pow: settings.pow
        ? createPowService({ ...settings.pow, now, claim: shared.claim })
        : undefined,
      budgets: createBudgets(shared, settings),
      alerts: createUsageAlerts({
        apiKeys: stores.apiKeys,
        shared,
        webhook: settings.alertWebhook,
        now,
        // Alert lines are warnings of the server's log when it has one (else stderr).
        ...(options.logger ? { log: (line: string) => context.logger.warn(line) } : {}),
        ...options.alerts,
      }),
    });
    // At shutdown, after the last answers: the per-app activity counts still in memory.
    context.flushHooks.push(() => stores.activity.flush());
    await stores.apps.seed(configApps);
  })();
  // Handled by the first request's middleware; unhandled here would crash a library user.
  ready.catch(() => {});

  // Routes are declared with schemas (their sub-apps merge into /openapi.json); a refused input
  // is a ProblemError from validationHook.
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError((error, c) => {
    if (error instanceof ProblemError) return problemResponse(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      // A refusal of the HTTP layer itself (e.g. an unsupported media type): still the contract's shape.
      const code = error.status === 415 ? 'unsupported_media_type' : 'bad_request';
      return problemResponse(c, new ProblemError(error.status, code, error.message));
    }
    if (isEngineUnreachable(error)) return problemResponse(c, engineUnavailable('database', error));
    // Anything else is our fault: a generic 500, never the message or stack.
    return problemResponse(c, new ProblemError(500, 'internal_error', 'Internal server error'));
  });
  app.notFound((c) => problemResponse(c, new ProblemError(404, 'not_found', 'Route not found')));
  const corsMiddleware = cors({
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    exposeHeaders: exposedHeaders,
  });
  // First, so every answer (refusals by later middleware too) has its id, log line and metrics.
  app.use(
    '*',
    trackRequests(context, {
      log: options.logger !== undefined,
      measure: options.recordMetrics !== false,
    }),
  );
  app.use('/run/*', corsMiddleware);
  app.use('/openapi.json', corsMiddleware);
  app.use('/healthz', corsMiddleware);
  app.use('/readyz', corsMiddleware);
  app.use('/livez', corsMiddleware);
  // After CORS, so a cross-origin widget can read the refusal and its Retry-After.
  app.use('*', refuseWhileDraining(context));
  // Liveness answers before the wait for the stores: an engine outage must not restart the fleet.
  app.route('/', createLivenessRoutes());
  app.use('*', async (c, next) => {
    checkContentLength(c, settings.bodyLimitBytes);
    try {
      await ready;
    } catch (error) {
      throw engineUnavailable('database', error);
    }
    await next();
    const keyId = keyOfRequest.get(c.req.raw);
    if (keyId) context.apiKeys.recordUsage(keyId, c.res.status);
  });
  // Each app's activity (dashboard): sessions and chats, served or refused.
  app.use('/run/auth/apps/:appId/anonymous-session', recordActivity(context, 'session'));
  app.use('/run/auth/apps/:appId/user-session', recordActivity(context, 'session'));
  app.use('/run/v1/chat/completions', recordActivity(context, 'chat'));
  app.use('/run/api/chat', recordActivity(context, 'chat'));
  app.route('/', createHealthRoutes(context));
  app.route('/', createSessionRoutes(context));
  app.route('/', createUserSessionRoutes(context));
  app.route('/', createChatRoutes(context));
  app.route('/', createUiChatRoutes(context));
  app.route('/', createConversationRoutes(context));
  app.route('/', createFeedbackRoutes(context));
  app.route('/', createManageRoutes(context));
  app.route('/', createManageFeedbackRoutes(context));
  app.route('/', createManageActivityRoutes(context));
  app.route('/', createApiKeyRoutes(context));
  app.route('/', createMetricsRoutes(context));
  app.route('/', createOpenApiRoutes(app));
  if (options.manageUi !== false) app.route('/', createManageUiRoutes(options.manageUi));
  return Object.assign(app, { ready, context });
}
