import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeApp } from '../apps/normalize-app.ts';
import { ConfigError } from '../config/config-error.ts';
import type { ApiKeyRecord } from '../keys/api-key.ts';
import { toAppRow } from './create-sql-app-store.ts';
import type { Database } from './database.ts';

/** What {@link importLegacyData} moved, and what was there already. */
export interface ImportSummary {
  apps: number;
  keys: number;
  conversations: number;
  messages: number;
  /** Rows whose id the database already had (an import run twice changes nothing). */
  skipped: number;
}

interface LegacyConversation {
  id: string;
  sub: string;
  appId: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  messages: { id: string; role: string; content: string; createdAt: string }[];
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function listOf(path: string, field: string): unknown[] {
  if (!existsSync(path)) return [];
  const value = (readJson(path) as Record<string, unknown> | null)?.[field];
  if (!Array.isArray(value)) throw new ConfigError(`${path}: "${field}" is not an array`);
  return value;
}

/**
 * Loads a 0.1 `--data` folder (`apps.json`, `api-keys.json`, `conversations/*.json`) into the
 * database. Existing ids are kept as they are, so running it twice is harmless; quotas are not
 * applied (the data was already stored), but the totals they count include what was imported.
 */
export async function importLegacyData(database: Database, folder: string): Promise<ImportSummary> {
  const { db } = database;
  const summary: ImportSummary = { apps: 0, keys: 0, conversations: 0, messages: 0, skipped: 0 };
  const count = (inserted: unknown, field: 'apps' | 'keys' | 'conversations') => {
    if (inserted) summary[field]++;
    else summary.skipped++;
    return Boolean(inserted);
  };

  for (const [index, input] of listOf(join(folder, 'apps.json'), 'apps').entries()) {
    let app: ReturnType<typeof normalizeApp>;
    try {
      app = normalizeApp(input);
    } catch (error) {
      throw new ConfigError(`apps.json: apps[${index}]: ${(error as Error).message}`);
    }
    const time = new Date();
    const inserted = await db
      .insertInto('apps')
      .values({
        ...toAppRow(app),
        created_at: time,
        updated_at: time,
      })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    count(inserted, 'apps');
  }

  for (const entry of listOf(join(folder, 'api-keys.json'), 'keys')) {
    const key = entry as ApiKeyRecord;
    if (typeof key?.id !== 'string' || typeof key.hash !== 'string') {
      throw new ConfigError('api-keys.json: a key has no id or hash');
    }
    const date = (value: string | null | undefined) => (value ? new Date(value) : null);
    const inserted = await db
      .insertInto('api_keys')
      .values({
        id: key.id,
        tenant_id: key.tenantId ?? 'default',
        project_id: key.projectId ?? 'default',
        name: key.name ?? key.id,
        agent_id: key.agentId ?? null,
        scopes: JSON.stringify(key.scopes ?? []),
        hash: key.hash,
        created_at: date(key.createdAt) ?? new Date(),
        expires_at: date(key.expiresAt),
        revoked_at: date(key.revokedAt),
        allowed_ips: JSON.stringify(key.allowedIps ?? []),
        rate_limit: key.rateLimit ?? null,
        signing_secret: key.signingSecret ?? null,
        usage_total: key.usage?.total ?? 0,
        usage_2xx: key.usage?.byStatus['2xx'] ?? 0,
        usage_3xx: key.usage?.byStatus['3xx'] ?? 0,
        usage_4xx: key.usage?.byStatus['4xx'] ?? 0,
        usage_5xx: key.usage?.byStatus['5xx'] ?? 0,
        last_used_at: date(key.usage?.lastUsedAt),
      })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    count(inserted, 'keys');
  }

  const conversationsFolder = join(folder, 'conversations');
  const names = existsSync(conversationsFolder)
    ? readdirSync(conversationsFolder).filter((name) => /^conv_[0-9a-f]{32}\.json$/.test(name))
    : [];
  for (const name of names) {
    const conversation = readJson(join(conversationsFolder, name)) as LegacyConversation;
    const messages = Array.isArray(conversation.messages) ? conversation.messages : [];
    const bytes = messages.reduce(
      (total, message) => total + Buffer.byteLength(message.content),
      0,
    );
    const imported = await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('conversations')
        .values({
          id: conversation.id,
          app_id: conversation.appId,
          sub: conversation.sub,
          title: conversation.title ?? '',
          created_at: new Date(conversation.createdAt),
          updated_at: new Date(conversation.updatedAt),
          message_count: messages.length,
          bytes,
        })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return false;
      if (messages.length > 0) {
        await trx
          .insertInto('messages')
          .values(
            messages.map((message, index) => ({
              id: message.id,
              conversation_id: conversation.id,
              seq: index + 1,
              role: message.role,
              content: message.content,
              created_at: new Date(message.createdAt),
            })),
          )
          .execute();
      }
      for (const owner of [conversation.sub, '']) {
        await trx
          .insertInto('storage_usage')
          .values({ app_id: conversation.appId, owner, conversations: 1, bytes })
          .onConflict((conflict) =>
            conflict.columns(['app_id', 'owner']).doUpdateSet((eb) => ({
              conversations: eb('storage_usage.conversations', '+', 1),
              bytes: eb('storage_usage.bytes', '+', bytes),
            })),
          )
          .execute();
      }
      return true;
    });
    if (count(imported, 'conversations')) summary.messages += messages.length;
  }
  return summary;
}
