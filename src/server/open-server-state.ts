import { ConfigError } from './config/config-error.ts';
import type { ServerSettings } from './config/read-settings.ts';
import { createMemorySharedState } from './shared/create-memory-shared-state.ts';
import { createRedisSharedState } from './shared/create-redis-shared-state.ts';
import type { SharedState } from './shared/shared-state.ts';
import { type Database, migrateDatabase } from './storage/database.ts';
import { isEngineUnreachable } from './storage/is-engine-unreachable.ts';
import { openEmbeddedDatabase } from './storage/open-embedded-database.ts';
import { openPostgresDatabase } from './storage/open-postgres-database.ts';
import { openStores } from './storage/open-stores.ts';
import type { ServerStores } from './storage/stores.ts';

/** Options of {@link openServerState}. */
export interface OpenServerStateOptions {
  settings: Pick<ServerSettings, 'databaseUrl' | 'databasePoolSize' | 'redisUrl' | 'quotas'> &
    Partial<Pick<ServerSettings, 'sessionLifetimeSeconds' | 'activityRetentionDays'>>;
  /** `--data DIR`, for the embedded database. */
  dataDir?: string | undefined;
  onWarning?: (message: string) => void;
  now?: () => number;
  /** Use this shared state instead of building one from `REDIS_URL`. */
  shared?: SharedState;
}

/** `postgres://user:secret@host:5432/db` → `host:5432/db`, for messages (never the password). */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * Opens the database the settings name (PostgreSQL with `DATABASE_URL`, else embedded PGlite,
 * in memory or under `dataDir`) and brings its schema up to date.
 */
export async function openConfiguredDatabase({
  settings,
  dataDir,
  onWarning,
}: OpenServerStateOptions): Promise<Database> {
  if (!settings.databaseUrl) return openEmbeddedDatabase({ dataDir });
  if (dataDir) onWarning?.('--data is not used when DATABASE_URL is set');
  const where = describeDatabaseUrl(settings.databaseUrl);
  const database = await openPostgresDatabase({
    url: settings.databaseUrl,
    poolSize: settings.databasePoolSize,
    onError: (error) => onWarning?.(`database connection lost (${where}): ${error.message}`),
  });
  try {
    await database.ping();
  } catch (error) {
    await database.close().catch(() => {});
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new ConfigError(`cannot reach the database at ${where}: ${reason}`);
  }
  return database;
}

/**
 * Builds the server's state from its settings: the durable stores (migrated at start) and the
 * shared state (Redis with `REDIS_URL`, else memory), as `createServerApp` takes them.
 */
export async function openServerState(
  options: OpenServerStateOptions,
): Promise<{ stores: ServerStores; shared: SharedState }> {
  const { settings, onWarning, now = Date.now } = options;
  const database = await openConfiguredDatabase(options);
  try {
    await migrateDatabase(database);
  } catch (error) {
    await database.close().catch(() => {});
    if (isEngineUnreachable(error)) {
      throw new ConfigError(
        `the database stopped answering during migration: ${(error as Error).message}`,
      );
    }
    throw error;
  }
  const shared = options.shared
    ? options.shared
    : settings.redisUrl
      ? await createRedisSharedState({ url: settings.redisUrl, onWarning, now })
      : createMemorySharedState({ now });
  const stores = await openStores({
    database,
    shared,
    quotas: settings.quotas,
    ...(settings.sessionLifetimeSeconds
      ? { sessionLifetimeSeconds: settings.sessionLifetimeSeconds }
      : {}),
    ...(settings.activityRetentionDays
      ? { activityRetentionDays: settings.activityRetentionDays }
      : {}),
    now,
    ...(onWarning ? { onWarning } : {}),
  });
  return { stores, shared };
}
