import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.ts';
import type { ResponderName } from '../config/read-settings.ts';

/** The command line of `inkeep-chat-server`, validated. */
export interface CliArgs {
  help: boolean;
  port: number;
  host: string;
  config: string | undefined;
  data: string | undefined;
  responder: ResponderName | undefined;
  trustProxy: boolean;
  /** Serve the dashboard at `/manage/` (off with `--no-manage-ui`). */
  manageUi: boolean;
}

/** The `--help` text. */
export const usage = `Usage: inkeep-chat-server [options]

  --port N                  port to listen on (default 3003; 0 picks a free port)
  --host HOST               address to listen on (default 127.0.0.1)
  --config FILE             apps file: { "apps": [ ... ] }
  --data DIR                keep the embedded database in DIR (default: memory only)
  --responder NAME          scripted (default), echo or openai
  --trust-proxy             take the client IP from X-Forwarded-For
  --no-manage-ui            do not serve the dashboard at /manage/
  --help                    show this help

       inkeep-chat-server keys create|list|show|update|alert|revoke|usage ...  (keys --help)
       inkeep-chat-server migrate [--data DIR]          bring the database schema up to date
       inkeep-chat-server import --data OLD_DIR         load a 0.1 JSON data folder

State: DATABASE_URL (PostgreSQL; default embedded PGlite), DATABASE_POOL_SIZE, REDIS_URL
(shared replay memory, rate limits and change notices for several instances).

Environment: INKEEP_ANON_JWT_SECRET, INKEEP_ANON_SESSION_LIFETIME_SECONDS, INKEEP_POW_HMAC_SECRET,
INKEEP_POW_ALGORITHM, INKEEP_POW_DIFFICULTY, INKEEP_POW_COST, INKEEP_POW_CHALLENGE_TTL_SECONDS,
INKEEP_SESSION_RATE_LIMIT, INKEEP_CHAT_RATE_LIMIT, INKEEP_ADMIN_API_KEY,
INKEEP_RESPONDER_TOKEN_DELAY_MS, INKEEP_UPSTREAM_BASE_URL, INKEEP_UPSTREAM_API_KEY,
INKEEP_UPSTREAM_MODEL, ENVIRONMENT, INKEEP_AGENTS_RUN_API_BYPASS_SECRET, ADMIN_API_KEY,
VALID_API_KEYS, ALLOWED_IPS, API_RATE_LIMIT, INKEEP_QUOTA_VISITOR_CONVERSATIONS,
INKEEP_QUOTA_VISITOR_BYTES, INKEEP_QUOTA_APP_CONVERSATIONS, INKEEP_QUOTA_APP_BYTES.

Key usage alerts (README: Key lifecycle): INKEEP_ALERT_WEBHOOK_URL, INKEEP_ALERT_WEBHOOK_SECRET
(required with the URL, at least 32 characters), INKEEP_ALERT_WEBHOOK_ATTEMPTS (default 5),
INKEEP_ALERT_WEBHOOK_BACKOFF_MS (default 1000).
INKEEP_ANON_JWT_SECRET and INKEEP_POW_HMAC_SECRET take a comma-separated list, newest first
(README: Rotating secrets).

Budgets (README: Limits and abuse): INKEEP_IP_CHAT_RATE_LIMIT, INKEEP_IP_CONCURRENT_STREAMS,
INKEEP_IP_READ_RATE_LIMIT, INKEEP_IP_FEEDBACK_RATE_LIMIT, INKEEP_POW_CHALLENGE_RATE_LIMIT,
INKEEP_AUTH_FAILURE_LIMIT, INKEEP_AUTH_FAILURE_DELAY_MS, INKEEP_KEY_CHECK_LIMIT,
INKEEP_CHAT_DAILY_LIMIT, INKEEP_VISITOR_CONCURRENT_STREAMS, INKEEP_APP_CHAT_RATE_LIMIT.

Operations (README: Operations): LOG_LEVEL (fatal, error, warn, info (default), debug, trace,
silent; one JSON line per request, pretty on a terminal), INKEEP_METRICS_LISTEN (host:port serving
GET /metrics without credentials; else /metrics needs ADMIN_API_KEY or INKEEP_ADMIN_API_KEY),
INKEEP_SHUTDOWN_GRACE_SECONDS (default 30: on SIGTERM or SIGINT the server drains, /readyz
answers 503, answers being streamed get this long to finish, then it exits 0),
INKEEP_ACTIVITY_RETENTION_DAYS (default 90, 30–3650: days of hourly activity counts kept).`;

/** Parses `argv` (without node and script); throws {@link ConfigError} with one clear line. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        config: { type: 'string' },
        data: { type: 'string' },
        responder: { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        'no-manage-ui': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // Node's messages are one line plus advice; the first line names the flag.
    throw new ConfigError(String((error as Error).message).split('\n')[0] ?? 'bad arguments');
  }
  const portText = (values.port as string | undefined) ?? '3003';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError(`--port must be an integer from 0 to 65535 (got "${portText}")`);
  }
  const responder = values.responder as string | undefined;
  if (responder !== undefined && !['scripted', 'echo', 'openai'].includes(responder)) {
    throw new ConfigError(`--responder must be scripted, echo or openai (got "${responder}")`);
  }
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  if (!host.trim()) throw new ConfigError('--host must not be empty');
  return {
    help: values.help === true,
    port,
    host,
    config: values.config as string | undefined,
    data: values.data as string | undefined,
    responder: responder as ResponderName | undefined,
    trustProxy: values['trust-proxy'] === true,
    manageUi: values['no-manage-ui'] !== true,
  };
}
