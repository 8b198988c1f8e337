import type { ColumnType, ExpressionWrapper, RawBuilder } from 'kysely';
import type { AppConfig } from '../apps/app.ts';

/** A counter column: updated only by adding to it. */
type Counter = RawBuilder<unknown> | ExpressionWrapper<DatabaseTables, 'api_keys', unknown>;

/** A JSON column: written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

/** `apps`: one row an app, as the manage API and the config file define them. */
export interface AppsTable {
  id: string;
  tenant_id: string;
  project_id: string;
  name: string;
  type: string;
  enabled: boolean;
  default_agent_id: string;
  config: Json<AppConfig>;
  created_at: Date;
  updated_at: Date;
  /** Anonymous sessions issued before this time are refused (0002). */
  sessions_revoked_before: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** `revoked_visitors`: one visitor's (`sub`'s) sessions issued before `revoked_before` are refused. */
export interface RevokedVisitorsTable {
  app_id: string;
  sub: string;
  revoked_before: Date;
}

/** `config_seeds`: ids the config file has created once; it never creates them again. */
export interface ConfigSeedsTable {
  app_id: string;
  seeded_at: Date;
}

/** `api_keys`: a key's settings and counters, never its secret (only a salted scrypt hash). */
export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  project_id: string;
  name: string;
  agent_id: string | null;
  scopes: Json<string[]>;
  hash: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  allowed_ips: Json<string[]>;
  rate_limit: number | null;
  signing_secret: string | null;
  usage_total: ColumnType<string | number | bigint, number | undefined, Counter>;
  usage_2xx: ColumnType<string | number | bigint, number | undefined, Counter>;
  usage_3xx: ColumnType<string | number | bigint, number | undefined, Counter>;
  usage_4xx: ColumnType<string | number | bigint, number | undefined, Counter>;
  usage_5xx: ColumnType<string | number | bigint, number | undefined, Counter>;
  last_used_at: Date | null;
  /** `service`, `personal` or `temporary` (0004). */
  type: ColumnType<string, string | undefined, string>;
  /** The manage identity that created the key (0004); null for older keys. */
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** Percent of the rate limit at which a usage alert fires (0004); null = off. */
  alert_threshold: ColumnType<number | null, number | null | undefined, number | null>;
  /** When use last crossed the alert threshold (0004). */
  alerted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** `conversations`: one row a conversation, with running totals of its messages. */
export interface ConversationsTable {
  id: string;
  app_id: string;
  sub: string;
  title: string;
  created_at: Date;
  updated_at: Date;
  message_count: number;
  bytes: ColumnType<string | number | bigint, number, number>;
}

/** `messages`: one row a message; `seq` orders a conversation's messages. */
export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  role: string;
  content: string;
  created_at: Date;
  /** An answer's wait for its first text, in ms (0005); null when unknown. */
  time_to_first_token_ms: ColumnType<number | null, number | null | undefined, number | null>;
}

/** `storage_usage`: what an owner (a visitor `sub`, or `''` for the whole app) has stored. */
export interface StorageUsageTable {
  app_id: string;
  owner: string;
  conversations: ColumnType<string | number | bigint, number, number>;
  bytes: ColumnType<string | number | bigint, number, number>;
}

/** `feedback`: a visitor's rating of one answer (0003); one a message. */
export interface FeedbackTable {
  id: string;
  conversation_id: string;
  message_id: string;
  app_id: string;
  type: string;
  details: string | null;
  created_at: Date;
}

/** `app_activity`: how often something happened to an app in one hour (0005). */
export interface AppActivityTable {
  app_id: string;
  hour: Date;
  kind: string;
  reason: string;
  count: ColumnType<string | number | bigint, number, number>;
}

/** `server_keys`: keys the server made for itself, by name (0007: `visitor_hash`). */
export interface ServerKeysTable {
  name: string;
  value: string;
}

/** Every table of the schema, for Kysely. */
export interface DatabaseTables {
  apps: AppsTable;
  revoked_visitors: RevokedVisitorsTable;
  config_seeds: ConfigSeedsTable;
  api_keys: ApiKeysTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  storage_usage: StorageUsageTable;
  feedback: FeedbackTable;
  app_activity: AppActivityTable;
  server_keys: ServerKeysTable;
}
