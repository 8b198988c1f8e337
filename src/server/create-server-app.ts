import { Hono } from 'hono';
import type { App } from './apps/app.ts';
import { createAppStore } from './apps/create-app-store.ts';
import { createEchoResponder } from './chat/create-echo-responder.ts';
import { createOpenAiResponder } from './chat/create-openai-responder.ts';
import { createScriptedResponder } from './chat/create-scripted-responder.ts';
import type { Responder } from './chat/responder.ts';
import { normalizeApps } from './config/load-apps.ts';
import { type Environment, readSettings, type ServerSettings } from './config/read-settings.ts';
import {
  type ConversationStore,
  createConversationStore,
} from './conversations/create-conversation-store.ts';
import { keyOfRequest } from './http/authenticate.ts';
import { cors } from './http/cors.ts';
import { ProblemError, problemResponse } from './http/problem-error.ts';
import { checkContentLength } from './http/read-json-body.ts';
import { type ApiKeyStore, createApiKeyStore } from './keys/create-api-key-store.ts';
import { createIpAllowlist } from './keys/ip-allowlist.ts';
import { createRateLimiter } from './limits/create-rate-limiter.ts';
import { createPowService } from './pow/create-pow-service.ts';
import { createReplayGuard } from './pow/create-replay-guard.ts';
import { createApiKeyRoutes } from './routes/api-key-routes.ts';
import { createChatRoutes } from './routes/chat-routes.ts';
import { createConversationRoutes } from './routes/conversation-routes.ts';
import { createManageRoutes } from './routes/manage-routes.ts';
import { createManageUiRoutes, type ManageUiOptions } from './routes/manage-ui-routes.ts';
import { createOpenApiRoutes } from './routes/openapi-routes.ts';
import { createSessionRoutes } from './routes/session-routes.ts';
import type { ServerContext } from './server-context.ts';
import { createTokenService } from './session/create-token-service.ts';

/** Options of {@link createServerApp}; everything has a default. */
export interface ServerAppOptions {
  /** Apps as in the config file's `apps` array (validated; defaults filled in). */
  apps?: readonly (App | Record<string, unknown>)[];
  /** Environment variables to read settings from (default: none, so tests are hermetic). */
  env?: Environment;
  /** Settings that win over `env`. */
  settings?: Partial<ServerSettings>;
  /** Persist apps and conversations in this folder (`--data DIR`). */
  dataDir?: string | undefined;
  /** Replaces the responder chosen by `settings.responder`. */
  responder?: Responder;
  conversations?: ConversationStore;
  /** The API keys (default: a store in `dataDir`, or in memory). */
  apiKeys?: ApiKeyStore;
  /** The clock, in ms (tokens, PoW expiry, rate limits, timestamps). */
  now?: () => number;
  /** Used by the `openai` responder. */
  fetch?: typeof globalThis.fetch;
  /** Told about insecure defaults (e.g. a random JWT secret). */
  onWarning?: (message: string) => void;
  /** The dashboard at `/manage/` (default on, from `dist/manage`); `false` turns it off. */
  manageUi?: ManageUiOptions | false;
}

/** The headers browsers may read from cross-origin responses. */
const exposedHeaders = [
  'x-inkeep-conversation-id',
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
 * side effects beyond reading `dataDir`. Throws `ConfigError` for bad apps or settings.
 * @example
 * const app = createServerApp({ apps: [{ id: 'app_demo', name: 'Demo', config: { webClient: { allowedDomains: ['localhost'] } } }] });
 * const response = await app.request('/healthz');
 */
export function createServerApp(options: ServerAppOptions = {}): Hono {
  const now = options.now ?? Date.now;
  const { settings, warnings } = readSettings(options.env ?? {}, options.settings ?? {});
  for (const warning of warnings) options.onWarning?.(warning);
  const context: ServerContext = {
    settings,
    apps: createAppStore({ apps: normalizeApps(options.apps ?? []), dataDir: options.dataDir }),
    conversations:
      options.conversations ?? createConversationStore({ dataDir: options.dataDir, now }),
    tokens: createTokenService({
      secret: settings.jwtSecret,
      lifetimeSeconds: settings.sessionLifetimeSeconds,
      now,
    }),
    pow: settings.pow ? createPowService({ ...settings.pow, now }) : undefined,
    sessionLimiter: createRateLimiter({ limit: settings.sessionRateLimit, now }),
    chatLimiter: createRateLimiter({ limit: settings.chatRateLimit, now }),
    responder: options.responder ?? chooseResponder(settings, options.fetch),
    apiKeys: options.apiKeys ?? createApiKeyStore({ dataDir: options.dataDir, now }),
    apiLimiter: createRateLimiter({ limit: settings.apiRateLimit, now }),
    allowedIps: settings.allowedIps ? createIpAllowlist(settings.allowedIps) : undefined,
    signatureReplay: createReplayGuard({ now }),
    now,
  };

  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof ProblemError) return problemResponse(c, error);
    // Anything else is our fault: a generic 500, never the message or stack.
    return problemResponse(c, new ProblemError(500, 'internal_error', 'Internal server error'));
  });
  app.notFound((c) => problemResponse(c, new ProblemError(404, 'not_found', 'Route not found')));
  const corsMiddleware = cors({
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    exposeHeaders: exposedHeaders,
  });
  app.use('/run/*', corsMiddleware);
  app.use('/openapi.json', corsMiddleware);
  app.use('/healthz', corsMiddleware);
  app.use('*', async (c, next) => {
    checkContentLength(c, settings.bodyLimitBytes);
    await next();
    const keyId = keyOfRequest.get(c.req.raw);
    if (keyId) context.apiKeys.recordUsage(keyId, c.res.status);
  });
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.route('/', createSessionRoutes(context));
  app.route('/', createChatRoutes(context));
  app.route('/', createConversationRoutes(context));
  app.route('/', createManageRoutes(context));
  app.route('/', createApiKeyRoutes(context));
  app.route('/', createOpenApiRoutes());
  if (options.manageUi !== false) app.route('/', createManageUiRoutes(options.manageUi));
  return app;
}
