import { randomBytes } from 'node:crypto';
import type { SharedState } from '../shared/shared-state.ts';
import { createSqlActivityStore } from './create-sql-activity-store.ts';
import { createSqlApiKeyStore } from './create-sql-api-key-store.ts';
import { createSqlAppStore } from './create-sql-app-store.ts';
import { createSqlConversationLog } from './create-sql-conversation-log.ts';
import { createSqlConversationStore } from './create-sql-conversation-store.ts';
import { createSqlFeedbackStore } from './create-sql-feedback-store.ts';
import type { Database } from './database.ts';
import type { ServerStores, StorageQuotas } from './stores.ts';

/** The quotas when none are given (README: Limits of stored data). */
export const defaultQuotas: StorageQuotas = {
  visitorConversations: 1000,
  visitorBytes: 10 * 1024 * 1024,
  appConversations: 1_000_000,
  appBytes: 10 * 1024 * 1024 * 1024,
};

/** Days of hourly activity counts kept when no retention is given (README: App activity). */
export const defaultActivityRetentionDays = 90;

/** Options of {@link openStores}. */
export interface OpenStoresOptions {
  /** An open, migrated database. */
  database: Database;
  /** Where change notices come from and go to. */
  shared: SharedState;
  quotas?: StorageQuotas;
  now?: () => number;
  /**
   * How often the app and key caches are read again whole, for notices that never arrived
   * (Redis restarted, or no Redis between instances). Default 30 s; 0 = never.
   */
  refreshMs?: number;
  /** How often activity counts are added to the database (default 5 s; 0 = only on flush). */
  activityFlushMs?: number;
  /**
   * Told, in one line, when a background write fails (the activity counts of a timed write;
   * they are kept for the next one). The server passes its warning line (stderr by default).
   */
  onWarning?: (message: string) => void;
  /** The longest a session token lives (seconds): older visitor sign-outs are dropped. */
  sessionLifetimeSeconds?: number;
  /** Hourly activity counts older than this many days are deleted (default {@link defaultActivityRetentionDays}). */
  activityRetentionDays?: number;
}

/**
 * The fleet's visitor-hash key: read, and made at random only by the first instance to open the
 * database (two at once: the second insert does nothing, and both read the first one's key).
 */
async function readVisitorHashKey({ db }: Database): Promise<string> {
  const read = () =>
    db
      .selectFrom('server_keys')
      .select('value')
      .where('name', '=', 'visitor_hash')
      .executeTakeFirst();
  const held = await read();
  if (held) return held.value;
  await db
    .insertInto('server_keys')
    .values({ name: 'visitor_hash', value: randomBytes(32).toString('base64url') })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const made = await read();
  if (!made) throw new Error('the visitor-hash key could not be stored');
  return made.value;
}

/** Opens every durable store on `database` and fills the caches. */
export async function openStores({
  database,
  shared,
  quotas = defaultQuotas,
  now = Date.now,
  refreshMs = 30_000,
  activityFlushMs = 5000,
  onWarning,
  sessionLifetimeSeconds,
  activityRetentionDays = defaultActivityRetentionDays,
}: OpenStoresOptions): Promise<ServerStores> {
  const apps = createSqlAppStore({
    database,
    shared,
    now,
    ...(sessionLifetimeSeconds ? { sessionLifetimeSeconds } : {}),
  });
  const apiKeys = createSqlApiKeyStore({ database, shared, now });
  const [visitorHashKey] = await Promise.all([
    readVisitorHashKey(database),
    apps.load(),
    apiKeys.load(),
  ]);
  let refreshing: Promise<unknown> = Promise.resolve();
  const timer =
    refreshMs > 0
      ? setInterval(() => {
          refreshing = Promise.all([apps.load(), apiKeys.load()]).catch(() => {});
        }, refreshMs)
      : undefined;
  timer?.unref();
  const activity = createSqlActivityStore({
    database,
    now,
    flushMs: activityFlushMs,
    retentionDays: activityRetentionDays,
    onError: (error) =>
      onWarning?.(
        `activity counts not written (kept for the next write): ${error instanceof Error ? error.message : String(error)}`,
      ),
  });
  return {
    apps,
    apiKeys,
    conversations: createSqlConversationStore({ database, quotas, now }),
    feedback: createSqlFeedbackStore({ database, now }),
    activity,
    conversationLog: createSqlConversationLog({ database, visitorHashKey }),
    visitorHashKey,
    async health() {
      try {
        await database.ping();
        return 'up';
      } catch {
        return 'down';
      }
    },
    get statements() {
      return database.statements;
    },
    async close() {
      if (timer) clearInterval(timer);
      await Promise.all([
        apps.close(),
        apiKeys.close(),
        activity.close().catch(() => {}),
        refreshing,
      ]);
      await database.close();
    },
  };
}
