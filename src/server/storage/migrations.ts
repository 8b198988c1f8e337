// The schema's whole history, oldest first. A migration is never edited once released: a change
// is a new entry. Both engines (embedded PGlite and PostgreSQL) run exactly these.
import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

/** Every migration by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('apps')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('tenant_id', 'text', (column) => column.notNull())
        .addColumn('project_id', 'text', (column) => column.notNull())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('type', 'text', (column) => column.notNull())
        .addColumn('enabled', 'boolean', (column) => column.notNull())
        .addColumn('default_agent_id', 'text', (column) => column.notNull())
        .addColumn('config', 'jsonb', (column) => column.notNull())
        .addColumn('created_at', 'timestamptz', (column) => column.notNull())
        .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('apps_by_project')
        .on('apps')
        .columns(['tenant_id', 'project_id'])
        .execute();
      await db.schema
        .createTable('config_seeds')
        .addColumn('app_id', 'text', (column) => column.primaryKey())
        .addColumn('seeded_at', 'timestamptz', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('tenant_id', 'text', (column) => column.notNull())
        .addColumn('project_id', 'text', (column) => column.notNull())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('agent_id', 'text')
        .addColumn('scopes', 'jsonb', (column) => column.notNull())
        .addColumn('hash', 'text', (column) => column.notNull())
        .addColumn('created_at', 'timestamptz', (column) => column.notNull())
        .addColumn('expires_at', 'timestamptz')
        .addColumn('revoked_at', 'timestamptz')
        .addColumn('allowed_ips', 'jsonb', (column) => column.notNull())
        .addColumn('rate_limit', 'integer')
        .addColumn('signing_secret', 'text')
        .addColumn('usage_total', 'bigint', (column) => column.notNull().defaultTo(0))
        .addColumn('usage_2xx', 'bigint', (column) => column.notNull().defaultTo(0))
        .addColumn('usage_3xx', 'bigint', (column) => column.notNull().defaultTo(0))
        .addColumn('usage_4xx', 'bigint', (column) => column.notNull().defaultTo(0))
        .addColumn('usage_5xx', 'bigint', (column) => column.notNull().defaultTo(0))
        .addColumn('last_used_at', 'timestamptz')
        .execute();
      await db.schema
        .createIndex('api_keys_by_project')
        .on('api_keys')
        .columns(['tenant_id', 'project_id'])
        .execute();

      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('app_id', 'text', (column) => column.notNull())
        .addColumn('sub', 'text', (column) => column.notNull())
        .addColumn('title', 'text', (column) => column.notNull())
        .addColumn('created_at', 'timestamptz', (column) => column.notNull())
        .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
        .addColumn('message_count', 'integer', (column) => column.notNull())
        .addColumn('bytes', 'bigint', (column) => column.notNull())
        .execute();
      // A visitor's list, newest first, is one index range scan.
      await db.schema
        .createIndex('conversations_by_owner')
        .on('conversations')
        .expression(sql`app_id, sub, updated_at desc, id desc`)
        .execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('conversation_id', 'text', (column) =>
          column.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('seq', 'integer', (column) => column.notNull())
        .addColumn('role', 'text', (column) => column.notNull())
        .addColumn('content', 'text', (column) => column.notNull())
        .addColumn('created_at', 'timestamptz', (column) => column.notNull())
        .addUniqueConstraint('messages_in_order', ['conversation_id', 'seq'])
        .execute();

      await db.schema
        .createTable('storage_usage')
        .addColumn('app_id', 'text', (column) => column.notNull())
        .addColumn('owner', 'text', (column) => column.notNull())
        .addColumn('conversations', 'bigint', (column) => column.notNull())
        .addColumn('bytes', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint('storage_usage_key', ['app_id', 'owner'])
        .execute();
    },
  },
  '0002_session_revocation': {
    async up(db: Kysely<unknown>) {
      // Anonymous sessions issued before this time are refused (null: none revoked).
      await db.schema
        .alterTable('apps')
        .addColumn('sessions_revoked_before', 'timestamptz')
        .execute();
      // One visitor's sessions issued before `revoked_before` are refused.
      await db.schema
        .createTable('revoked_visitors')
        .addColumn('app_id', 'text', (column) =>
          column.notNull().references('apps.id').onDelete('cascade'),
        )
        .addColumn('sub', 'text', (column) => column.notNull())
        .addColumn('revoked_before', 'timestamptz', (column) => column.notNull())
        .addPrimaryKeyConstraint('revoked_visitors_key', ['app_id', 'sub'])
        .execute();
    },
  },
  '0003_feedback': {
    async up(db: Kysely<unknown>) {
      // One feedback a message (a second one replaces it); it goes with its message and with its
      // conversation.
      await db.schema
        .createTable('feedback')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('conversation_id', 'text', (column) =>
          column.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('message_id', 'text', (column) =>
          column.notNull().unique().references('messages.id').onDelete('cascade'),
        )
        .addColumn('app_id', 'text', (column) => column.notNull())
        .addColumn('type', 'text', (column) => column.notNull())
        .addColumn('details', 'text')
        .addColumn('created_at', 'timestamptz', (column) => column.notNull())
        .execute();
      // An app's latest negatives are one index range; its counts one index scan per type.
      await db.schema
        .createIndex('feedback_by_app')
        .on('feedback')
        .expression(sql`app_id, type, created_at desc, id desc`)
        .execute();
      // The conversation's foreign key is checked on every delete of a conversation.
      await db.schema
        .createIndex('feedback_by_conversation')
        .on('feedback')
        .column('conversation_id')
        .execute();
    },
  },
  '0004_key_lifecycle': {
    async up(db: Kysely<unknown>) {
      // Key types (service, personal, temporary), who created a key (a personal key is visible
      // to that identity only), and usage alerts: a percent of the rate limit, and when use last
      // crossed it. Existing keys become service keys of no known creator, without alerts.
      await db.schema
        .alterTable('api_keys')
        .addColumn('type', 'text', (column) => column.notNull().defaultTo('service'))
        .addColumn('created_by', 'text')
        .addColumn('alert_threshold', 'integer')
        .addColumn('alerted_at', 'timestamptz')
        .execute();
    },
  },
  '0005_app_activity': {
    async up(db: Kysely<unknown>) {
      // Counts of an app's sessions, chats and refusals per hour: instances add their counts to
      // the same rows (an upsert that adds), so the fleet's totals are one row per key.
      await db.schema
        .createTable('app_activity')
        .addColumn('app_id', 'text', (column) => column.notNull())
        .addColumn('hour', 'timestamptz', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        .addColumn('count', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint('app_activity_key', ['app_id', 'hour', 'kind', 'reason'])
        .execute();
      // How long the visitor waited for an answer's first text (null: unknown, e.g. older rows).
      await db.schema
        .alterTable('messages')
        .addColumn('time_to_first_token_ms', 'integer')
        .execute();
      // The owner's conversation log of an app, newest first, is one index range scan.
      await db.schema
        .createIndex('conversations_by_app')
        .on('conversations')
        .expression(sql`app_id, updated_at desc, id desc`)
        .execute();
    },
  },
  '0006_activity_retention': {
    async up(db: Kysely<unknown>) {
      // Counts older than INKEEP_ACTIVITY_RETENTION_DAYS are deleted each hour: one range scan.
      await db.schema
        .createIndex('app_activity_by_hour')
        .on('app_activity')
        .column('hour')
        .execute();
    },
  },
  '0007_visitor_hash_key': {
    async up(db: Kysely<unknown>) {
      // Keys the server makes for itself, once, shared by the fleet through the database (the
      // visitor-hash key of log lines and the conversation log). The first instance to open the
      // stores makes them, not this migration: the embedded database's build-time seed, which
      // every package shares, must hold none.
      await db.schema
        .createTable('server_keys')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('value', 'text', (column) => column.notNull())
        .execute();
    },
  },
};

/** Hands Kysely's migrator the migrations above (no files to find at run time). */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
