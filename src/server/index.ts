// The server as a library (`inkeep-chat/server`): named exports only, no side effects.
export type { ActivityCount, ActivityKind } from './activity/create-activity-recorder.ts';
export {
  createUsageAlerts,
  type UsageAlert,
  type UsageAlertDelivery,
  type UsageAlerts,
  type UsageAlertsOptions,
} from './alerts/create-usage-alerts.ts';
export { signWebhookBody } from './alerts/sign-webhook-body.ts';
export type { App, AppConfig, AppType, WebClientConfig } from './apps/app.ts';
export { isOriginAllowed, parseDomainRule } from './apps/is-origin-allowed.ts';
export { AppValidationError, normalizeApp } from './apps/normalize-app.ts';
export { createEchoResponder } from './chat/create-echo-responder.ts';
export { createOpenAiResponder, UpstreamError } from './chat/create-openai-responder.ts';
export { createScriptedResponder, scriptedReply } from './chat/create-scripted-responder.ts';
export type { ChatMessage, Responder, RespondRequest } from './chat/responder.ts';
export { ConfigError } from './config/config-error.ts';
export { loadAppsFile, normalizeApps } from './config/load-apps.ts';
export {
  type AlertWebhookSettings,
  type Environment,
  type LimitSettings,
  type ResponderName,
  readSettings,
  type ServerSettings,
} from './config/read-settings.ts';
export { createServerApp, type ServerApp, type ServerAppOptions } from './create-server-app.ts';
export { type ProblemCode, ProblemError } from './http/problem-error.ts';
export {
  type ApiKeyRecord,
  type ApiKeyView,
  allScopes,
  type KeyUsage,
  type Scope,
} from './keys/api-key.ts';
export { createIpAllowlist, type IpAllowlist } from './keys/ip-allowlist.ts';
export { parseApiKeyInput, parseDuration } from './keys/parse-api-key-input.ts';
export { signRequest } from './keys/verify-request-signature.ts';
export { clientKey } from './limits/client-key.ts';
export { type Budgets, createBudgets } from './limits/create-budgets.ts';
export { type CreateLoggerOptions, createLogger, type Logger } from './logs/create-logger.ts';
export { createMetrics, type ServerMetrics } from './metrics/create-metrics.ts';
export {
  describeDatabaseUrl,
  openConfiguredDatabase,
  openServerState,
} from './open-server-state.ts';
export { createPowService, type PowCheck, type PowService } from './pow/create-pow-service.ts';
export type { PowSettings } from './pow/pow-settings.ts';
export { keyIdOf, type SecretList } from './secrets/create-secret-ring.ts';
export {
  type AnonymousClaims,
  createTokenService,
  type SessionClaims,
  type TokenService,
} from './session/create-token-service.ts';
export { hashVisitor } from './session/hash-visitor.ts';
export { parseSigningKey, SigningKeyError } from './session/parse-signing-key.ts';
export { type UserTokenCheck, verifyUserToken } from './session/verify-user-token.ts';
export { createMemorySharedState } from './shared/create-memory-shared-state.ts';
export { createRedisSharedState } from './shared/create-redis-shared-state.ts';
export type {
  ChangeNotice,
  ConcurrencyLease,
  ConcurrencyLimiter,
  RateLimiter,
  RateLimitResult,
  SharedState,
} from './shared/shared-state.ts';
export { createDrain, type Drain, type TrackedStream } from './shutdown/create-drain.ts';
export { type RunningServer, type StartServerOptions, startServer } from './start-server.ts';
export {
  createDatabase,
  type Database,
  type DatabaseEngine,
  migrateDatabase,
} from './storage/database.ts';
export { openEmbeddedDatabase } from './storage/open-embedded-database.ts';
export { openPostgresDatabase } from './storage/open-postgres-database.ts';
export { defaultQuotas, openStores } from './storage/open-stores.ts';
export type {
  ActivityStore,
  ApiKeyInput,
  ApiKeyStore,
  AppStore,
  Conversation,
  ConversationLog,
  ConversationOwner,
  ConversationStore,
  ConversationSummary,
  Feedback,
  FeedbackStore,
  FeedbackSummary,
  FeedbackType,
  NegativeFeedback,
  ServerStores,
  StorageQuotas,
  StoredMessage,
} from './storage/stores.ts';
