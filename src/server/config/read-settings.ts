import { randomBytes } from 'node:crypto';
import { createIpAllowlist, IpAllowlistError, splitList } from '../keys/ip-allowlist.ts';
import {
  classicPowAlgorithms,
  defaultPowWork,
  type PowSettings,
  v2PowAlgorithms,
} from '../pow/pow-settings.ts';
import { type SecretList, secretsOf } from '../secrets/create-secret-ring.ts';
import { defaultActivityRetentionDays, defaultQuotas } from '../storage/open-stores.ts';
import type { StorageQuotas } from '../storage/stores.ts';
import { ConfigError } from './config-error.ts';

/** The chat responders the server offers. */
export type ResponderName = 'scripted' | 'echo' | 'openai';

/** Everything the server reads from its environment, after validation and defaults. */
export interface ServerSettings {
  /** `ENVIRONMENT`: `development` accepts keyless scope headers; unset means standard. */
  environment: string;
  /**
   * `INKEEP_ANON_JWT_SECRET`: secrets of ≥ 32 characters, newest first (comma-separated in the
   * environment); the first signs, each verifies. `readSettings` returns them as an array.
   */
  jwtSecret: SecretList;
  /** `INKEEP_ANON_SESSION_LIFETIME_SECONDS` (default 30 days). */
  sessionLifetimeSeconds: number;
  /** Proof of work; undefined when `INKEEP_POW_HMAC_SECRET` is unset or empty. */
  pow: PowSettings | undefined;
  /** `INKEEP_SESSION_RATE_LIMIT`: sessions per client IP per minute. */
  sessionRateLimit: number;
  /** `INKEEP_CHAT_RATE_LIMIT`: chat requests per visitor per minute. */
  chatRateLimit: number;
  /** `INKEEP_ADMIN_API_KEY`: bearer secret of the manage API (disabled when unset). */
  adminApiKey: string | undefined;
  bodyLimitBytes: number;
  maxMessages: number;
  maxMessageLength: number;
  /** `INKEEP_RESPONDER_TOKEN_DELAY_MS` (default 15). */
  tokenDelayMs: number;
  responder: ResponderName;
  /** `INKEEP_UPSTREAM_BASE_URL`, `_API_KEY`, `_MODEL` for the `openai` responder. */
  upstream: { baseUrl: string; apiKey: string | undefined; model: string } | undefined;
  /** Believe `X-Forwarded-For` (only behind a proxy you run). */
  trustProxy: boolean;
  /** `INKEEP_AGENTS_RUN_API_BYPASS_SECRET`: bearer that, with scope headers, stands for a key. */
  bypassSecret: string | undefined;
  /** `ADMIN_API_KEY`: an environment key with every scope. */
  envAdminKey: string | undefined;
  /** `VALID_API_KEYS`: environment keys with `chat` and `read`. */
  validApiKeys: string[];
  /** `ALLOWED_IPS`: IPs/CIDRs allowed for server-to-server calls; undefined = all. */
  allowedIps: string[] | undefined;
  /** `API_RATE_LIMIT`: requests per key per 60 s unless the key sets its own. */
  apiRateLimit: number;
  /** `DATABASE_URL`: a PostgreSQL server; unset = embedded PostgreSQL (PGlite). */
  databaseUrl: string | undefined;
  /** `DATABASE_POOL_SIZE`: connections to that server per instance (default 10). */
  databasePoolSize: number;
  /** `REDIS_URL`: shared state for several instances; unset = this process's memory. */
  redisUrl: string | undefined;
  /** `INKEEP_QUOTA_*`: stored-data limits per visitor and per app (0 = unlimited). */
  quotas: StorageQuotas;
  /** The budgets per client IP, visitor and app beyond the two above (README: Limits and abuse). */
  limits: LimitSettings;
  /** `LOG_LEVEL`: the least severe log line written (default `info`; `silent` writes none). */
  logLevel: LogLevel;
  /** `INKEEP_METRICS_LISTEN`: `host:port` serving `GET /metrics` without credentials; unset = none. */
  metricsListen: { host: string; port: number } | undefined;
  /** `INKEEP_SHUTDOWN_GRACE_SECONDS`: how long answers being streamed may run on after SIGTERM. */
  shutdownGraceSeconds: number;
  /** `INKEEP_ALERT_WEBHOOK_*`: where API-key usage alerts are POSTed; undefined = log only. */
  alertWebhook: AlertWebhookSettings | undefined;
  /** `INKEEP_ACTIVITY_RETENTION_DAYS`: hourly activity counts older than this are deleted (30–3650, default 90). */
  activityRetentionDays: number;
}

/** The signed webhook of usage alerts. */
export interface AlertWebhookSettings {
  /** `INKEEP_ALERT_WEBHOOK_URL` (http or https). */
  url: string;
  /** `INKEEP_ALERT_WEBHOOK_SECRET` (≥ 32 characters): the HMAC key of `Inkeep-Signature`. */
  secret: string;
  /** `INKEEP_ALERT_WEBHOOK_ATTEMPTS` (default 5): deliveries tried before giving up. */
  attempts: number;
  /** `INKEEP_ALERT_WEBHOOK_BACKOFF_MS` (default 1000): the first wait, doubled after each try. */
  backoffMs: number;
}

/** The levels `LOG_LEVEL` takes, most severe first. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A `LOG_LEVEL`. */
export type LogLevel = (typeof logLevels)[number];

/** Budgets per client IP (IPv4 address, IPv6 /64), per visitor and per app. */
export interface LimitSettings {
  /** `INKEEP_IP_CHAT_RATE_LIMIT`: chat requests per client IP per minute (app credentials). */
  ipChatPerMinute: number;
  /** `INKEEP_IP_CONCURRENT_STREAMS`: answers generated at once per client IP. */
  ipStreams: number;
  /** `INKEEP_IP_READ_RATE_LIMIT`: conversation reads (list, get, delete) per client IP per minute. */
  ipReadsPerMinute: number;
  /** `INKEEP_IP_FEEDBACK_RATE_LIMIT`: answer feedback writes per client IP per minute. */
  ipFeedbackPerMinute: number;
  /** `INKEEP_POW_CHALLENGE_RATE_LIMIT`: PoW challenges per client IP per minute. */
  ipChallengesPerMinute: number;
  /** `INKEEP_AUTH_FAILURE_LIMIT`: failed credentials per client IP per minute before it waits. */
  authFailuresPerMinute: number;
  /** `INKEEP_KEY_CHECK_LIMIT`: slow (scrypt) key checks per minute per client IP and per key id. */
  slowKeyChecksPerMinute: number;
  /** `INKEEP_AUTH_FAILURE_DELAY_MS`: how long a client over its failure budget waits for its 429. */
  authFailureDelayMs: number;
  /** `INKEEP_CHAT_DAILY_LIMIT`: chat requests per visitor per day. */
  visitorChatPerDay: number;
  /** `INKEEP_VISITOR_CONCURRENT_STREAMS`: answers generated at once per visitor. */
  visitorStreams: number;
  /** `INKEEP_APP_CHAT_RATE_LIMIT`: chat requests per app per minute, all visitors (0 = unlimited). */
  appChatPerMinute: number;
}

/** The environment variables, as `process.env` holds them. */
export type Environment = Record<string, string | undefined>;

function integer(env: Environment, name: string, fallback: number, min: number, max: number) {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${text}")`);
  }
  return value;
}

/** Secrets shorter than this are found online by guessing; start-up refuses them. */
const minimumSecretLength = 32;

function secret(env: Environment, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (value.length < minimumSecretLength) {
    throw new ConfigError(`${name} must be at least ${minimumSecretLength} characters long`);
  }
  return value;
}

/**
 * Checks a rotating secret's list (newest first): at least one entry, each ≥ 32 characters; the
 * error names the entry's position when the list has several.
 */
function checkSecretList(name: string, list: SecretList): string[] {
  const entries = typeof list === 'string' ? [list] : [...list];
  if (entries.length === 0) throw new ConfigError(`${name} must list at least one secret`);
  const index = entries.findIndex(
    (entry) => typeof entry !== 'string' || entry.length < minimumSecretLength,
  );
  if (index >= 0) {
    const which = entries.length > 1 ? `${name} entry ${index + 1}` : name;
    throw new ConfigError(`${which} must be at least ${minimumSecretLength} characters long`);
  }
  return secretsOf(entries);
}

/**
 * A rotating secret from the environment: comma-separated entries, newest first, each trimmed
 * (an empty entry, as from a stray comma, is too short); undefined when unset or empty.
 */
function rotatingSecret(env: Environment, name: string): string[] | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  return checkSecretList(
    name,
    value.split(',').map((entry) => entry.trim()),
  );
}

function secretList(env: Environment, name: string): string[] {
  const entries = splitList(env[name]);
  const index = entries.findIndex((entry) => entry.length < minimumSecretLength);
  if (index >= 0) {
    throw new ConfigError(
      `${name} entry ${index + 1} must be at least ${minimumSecretLength} characters long`,
    );
  }
  return entries;
}

function readLimits(env: Environment): LimitSettings {
  const perMinute = (name: string, fallback: number) => integer(env, name, fallback, 1, 1_000_000);
  return {
    ipChatPerMinute: perMinute('INKEEP_IP_CHAT_RATE_LIMIT', 60),
    ipStreams: integer(env, 'INKEEP_IP_CONCURRENT_STREAMS', 8, 1, 100_000),
    ipReadsPerMinute: perMinute('INKEEP_IP_READ_RATE_LIMIT', 120),
    ipFeedbackPerMinute: perMinute('INKEEP_IP_FEEDBACK_RATE_LIMIT', 30),
    ipChallengesPerMinute: perMinute('INKEEP_POW_CHALLENGE_RATE_LIMIT', 60),
    authFailuresPerMinute: perMinute('INKEEP_AUTH_FAILURE_LIMIT', 20),
    slowKeyChecksPerMinute: perMinute('INKEEP_KEY_CHECK_LIMIT', 10),
    authFailureDelayMs: integer(env, 'INKEEP_AUTH_FAILURE_DELAY_MS', 1000, 0, 10_000),
    visitorChatPerDay: integer(env, 'INKEEP_CHAT_DAILY_LIMIT', 1000, 1, 100_000_000),
    visitorStreams: integer(env, 'INKEEP_VISITOR_CONCURRENT_STREAMS', 2, 1, 1000),
    appChatPerMinute: integer(env, 'INKEEP_APP_CHAT_RATE_LIMIT', 0, 0, 100_000_000),
  };
}

function readLogLevel(env: Environment): LogLevel {
  const text = env.LOG_LEVEL?.trim().toLowerCase();
  if (!text) return 'info';
  if (!(logLevels as readonly string[]).includes(text)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')} (got "${text}")`);
  }
  return text as LogLevel;
}

/** `host:port` (IPv6 hosts in brackets), e.g. `127.0.0.1:9464` or `[::1]:9464`. */
function readListen(env: Environment, name: string): { host: string; port: number } | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new ConfigError(`${name} must be host:port, e.g. 127.0.0.1:9464 (got "${text}")`);
  }
  return { host: (match[1] ?? match[2]) as string, port };
}

function url(env: Environment, name: string, protocols: string[]): string | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ConfigError(`${name} must be a URL such as ${protocols[0]}//host:port`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return text;
}

function readAlertWebhook(env: Environment): AlertWebhookSettings | undefined {
  const webhookUrl = url(env, 'INKEEP_ALERT_WEBHOOK_URL', ['https:', 'http:']);
  const webhookSecret = secret(env, 'INKEEP_ALERT_WEBHOOK_SECRET');
  if (!webhookUrl) {
    if (webhookSecret) {
      throw new ConfigError(
        'INKEEP_ALERT_WEBHOOK_SECRET is set but INKEEP_ALERT_WEBHOOK_URL is not',
      );
    }
    return undefined;
  }
  if (!webhookSecret) {
    throw new ConfigError(
      'INKEEP_ALERT_WEBHOOK_URL needs INKEEP_ALERT_WEBHOOK_SECRET (at least 32 characters) to sign its bodies',
    );
  }
  return {
    url: webhookUrl,
    secret: webhookSecret,
    attempts: integer(env, 'INKEEP_ALERT_WEBHOOK_ATTEMPTS', 5, 1, 20),
    backoffMs: integer(env, 'INKEEP_ALERT_WEBHOOK_BACKOFF_MS', 1000, 0, 600_000),
  };
}

function readAllowedIps(env: Environment): string[] | undefined {
  const text = env.ALLOWED_IPS?.trim();
  if (!text) return undefined;
  const entries = splitList(text);
  try {
    createIpAllowlist(entries);
  } catch (error) {
    if (error instanceof IpAllowlistError) throw new ConfigError(`ALLOWED_IPS: ${error.message}`);
    throw error;
  }
  return entries;
}

function readPow(env: Environment): PowSettings | undefined {
  const hmacSecret = rotatingSecret(env, 'INKEEP_POW_HMAC_SECRET');
  if (!hmacSecret) return undefined;
  const algorithm = env.INKEEP_POW_ALGORITHM?.trim() || 'SHA-256';
  const known: readonly string[] = [...classicPowAlgorithms, ...v2PowAlgorithms];
  if (!known.includes(algorithm)) {
    throw new ConfigError(`INKEEP_POW_ALGORITHM must be one of ${known.join(', ')}`);
  }
  const work = defaultPowWork(algorithm);
  return {
    hmacSecret,
    algorithm,
    difficulty: integer(env, 'INKEEP_POW_DIFFICULTY', work.difficulty, 2, 100_000_000),
    cost: integer(env, 'INKEEP_POW_COST', work.cost, 1, 10_000_000),
    challengeTtlSeconds: integer(env, 'INKEEP_POW_CHALLENGE_TTL_SECONDS', 300, 60, 3600),
  };
}

/**
 * Reads and validates the server's environment; `overrides` win over it. Throws
 * {@link ConfigError} naming the variable; a missing JWT secret outside production becomes a
 * random one, reported in `warnings`.
 */
export function readSettings(
  env: Environment = {},
  overrides: Partial<ServerSettings> = {},
): { settings: ServerSettings; warnings: string[] } {
  const warnings: string[] = [];
  const environment = env.ENVIRONMENT?.trim() || 'standard';
  let jwtSecret =
    overrides.jwtSecret === undefined
      ? rotatingSecret(env, 'INKEEP_ANON_JWT_SECRET')
      : checkSecretList('INKEEP_ANON_JWT_SECRET', overrides.jwtSecret);
  if (!jwtSecret) {
    if (environment === 'production') {
      throw new ConfigError('INKEEP_ANON_JWT_SECRET is required when ENVIRONMENT=production');
    }
    jwtSecret = [randomBytes(32).toString('hex')];
    warnings.push(
      'INKEEP_ANON_JWT_SECRET is not set: using a random secret, sessions end when the server stops',
    );
  }
  const responder = overrides.responder ?? (env.INKEEP_RESPONDER?.trim() || 'scripted');
  if (responder !== 'scripted' && responder !== 'echo' && responder !== 'openai') {
    throw new ConfigError('responder must be one of scripted, echo, openai');
  }
  const baseUrl = env.INKEEP_UPSTREAM_BASE_URL?.trim();
  if (baseUrl && !URL.canParse(baseUrl)) {
    throw new ConfigError('INKEEP_UPSTREAM_BASE_URL must be an absolute URL');
  }
  const upstream = baseUrl
    ? {
        baseUrl,
        apiKey: env.INKEEP_UPSTREAM_API_KEY || undefined,
        model: env.INKEEP_UPSTREAM_MODEL?.trim() || 'gpt-4o-mini',
      }
    : undefined;
  const settings: ServerSettings = {
    environment,
    jwtSecret,
    sessionLifetimeSeconds: integer(
      env,
      'INKEEP_ANON_SESSION_LIFETIME_SECONDS',
      2_592_000,
      60,
      31_536_000,
    ),
    pow: readPow(env),
    sessionRateLimit: integer(env, 'INKEEP_SESSION_RATE_LIMIT', 20, 1, 1_000_000),
    chatRateLimit: integer(env, 'INKEEP_CHAT_RATE_LIMIT', 30, 1, 1_000_000),
    adminApiKey: secret(env, 'INKEEP_ADMIN_API_KEY'),
    bodyLimitBytes: integer(env, 'INKEEP_BODY_LIMIT_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    maxMessages: integer(env, 'INKEEP_MAX_MESSAGES', 100, 1, 10_000),
    maxMessageLength: integer(env, 'INKEEP_MAX_MESSAGE_LENGTH', 16_000, 1, 1_000_000),
    tokenDelayMs: integer(env, 'INKEEP_RESPONDER_TOKEN_DELAY_MS', 15, 0, 10_000),
    responder,
    upstream,
    trustProxy: false,
    bypassSecret: secret(env, 'INKEEP_AGENTS_RUN_API_BYPASS_SECRET'),
    envAdminKey: secret(env, 'ADMIN_API_KEY'),
    validApiKeys: secretList(env, 'VALID_API_KEYS'),
    allowedIps: readAllowedIps(env),
    apiRateLimit: integer(env, 'API_RATE_LIMIT', 600, 1, 1_000_000),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    quotas: {
      visitorConversations: integer(
        env,
        'INKEEP_QUOTA_VISITOR_CONVERSATIONS',
        defaultQuotas.visitorConversations,
        0,
        1e9,
      ),
      visitorBytes: integer(env, 'INKEEP_QUOTA_VISITOR_BYTES', defaultQuotas.visitorBytes, 0, 1e15),
      appConversations: integer(
        env,
        'INKEEP_QUOTA_APP_CONVERSATIONS',
        defaultQuotas.appConversations,
        0,
        1e12,
      ),
      appBytes: integer(env, 'INKEEP_QUOTA_APP_BYTES', defaultQuotas.appBytes, 0, 1e15),
    },
    limits: readLimits(env),
    logLevel: readLogLevel(env),
    metricsListen: readListen(env, 'INKEEP_METRICS_LISTEN'),
    shutdownGraceSeconds: integer(env, 'INKEEP_SHUTDOWN_GRACE_SECONDS', 30, 0, 3600),
    alertWebhook: readAlertWebhook(env),
    activityRetentionDays: integer(
      env,
      'INKEEP_ACTIVITY_RETENTION_DAYS',
      defaultActivityRetentionDays,
      30,
      3650,
    ),
    ...overrides,
  };
  settings.jwtSecret = jwtSecret;
  if (settings.pow) {
    const hmacSecret = checkSecretList('INKEEP_POW_HMAC_SECRET', settings.pow.hmacSecret);
    settings.pow = { ...settings.pow, hmacSecret };
  }
  if (settings.databaseUrl && !settings.redisUrl) {
    warnings.push(
      'DATABASE_URL is set but REDIS_URL is not: replay memory and rate limits are per instance, and edits reach other instances within 30 s',
    );
  }
  if (settings.environment === 'development') {
    warnings.push(
      'ENVIRONMENT=development: requests without an API key are accepted with only the x-inkeep-tenant-id, x-inkeep-project-id and x-inkeep-agent-id headers (chat and read, each client IP its own owner); never expose this server',
    );
  }
  if (settings.responder === 'openai' && !settings.upstream) {
    throw new ConfigError('the openai responder needs INKEEP_UPSTREAM_BASE_URL');
  }
  return { settings, warnings };
}
