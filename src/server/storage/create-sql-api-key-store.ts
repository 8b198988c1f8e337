import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import type { ApiKeyRecord, KeyType, KeyUsage, Scope } from '../keys/api-key.ts';
import { revokedKeyProblem } from '../keys/resolve-api-key-changes.ts';
import { hashSecret, verifySecret } from '../keys/scrypt-hash.ts';
import type { SharedState } from '../shared/shared-state.ts';
import { createBackgroundWork } from './create-background-work.ts';
import type { Database } from './database.ts';
import type { ApiKeysTable } from './database-tables.ts';
import type { ApiKeyStore, KeyCheck } from './stores.ts';

const keyPattern = /^sk_([A-Za-z0-9]{8,40})\.([A-Za-z0-9_-]{16,128})$/;
const digest = (secret: string) => createHash('sha256').update(secret).digest();
const iso = (date: Date | null) => (date ? date.toISOString() : null);
const statusClasses = ['2xx', '3xx', '4xx', '5xx'] as const;
type StatusClass = (typeof statusClasses)[number];

const toRecord = (row: Selectable<ApiKeysTable>): ApiKeyRecord => ({
  id: row.id,
  name: row.name,
  tenantId: row.tenant_id,
  projectId: row.project_id,
  agentId: row.agent_id,
  scopes: row.scopes as Scope[],
  hash: row.hash,
  createdAt: row.created_at.toISOString(),
  expiresAt: iso(row.expires_at),
  revokedAt: iso(row.revoked_at),
  allowedIps: row.allowed_ips,
  rateLimit: row.rate_limit,
  signingSecret: row.signing_secret,
  usage: {
    total: Number(row.usage_total),
    byStatus: {
      '2xx': Number(row.usage_2xx),
      '3xx': Number(row.usage_3xx),
      '4xx': Number(row.usage_4xx),
      '5xx': Number(row.usage_5xx),
    },
    lastUsedAt: iso(row.last_used_at),
  },
  type: row.type as KeyType,
  createdBy: row.created_by,
  alertThreshold: row.alert_threshold,
  alertedAt: iso(row.alerted_at),
});

/** The key store plus loading its cache. */
export interface SqlApiKeyStore extends ApiKeyStore {
  /** Reads every key into the verification cache. */
  load(): Promise<void>;
  /** Writes pending usage, stops listening for notices and waits for reloads under way. */
  close(): Promise<void>;
}

/**
 * API keys in SQL. Verification reads a cache (so a request costs no statement), kept current
 * by change notices; usage counters are added up in memory and written as increments every
 * `usageFlushMs`, so instances never overwrite each other's counts.
 */
export function createSqlApiKeyStore({
  database,
  shared,
  now,
  usageFlushMs = 2000,
}: {
  database: Database;
  shared: SharedState;
  now: () => number;
  usageFlushMs?: number;
}): SqlApiKeyStore {
  const { db } = database;
  let byId = new Map<string, ApiKeyRecord>();
  // Digest of each secret that has verified once: later checks skip scrypt.
  const verified = new Map<string, Buffer>();
  const pending = new Map<string, KeyUsage>();
  let timer: NodeJS.Timeout | undefined;

  const reload = async (id: string) => {
    const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (row) {
      const record = toRecord(row);
      const known = byId.get(id);
      // A changed hash (never today, but cheap to honour) must verify again.
      if (known && known.hash !== record.hash) verified.delete(id);
      if (record.revokedAt) verified.delete(id);
      byId.set(id, record);
    } else {
      byId.delete(id);
      verified.delete(id);
    }
  };
  const load = async () => {
    const rows = await db.selectFrom('api_keys').selectAll().execute();
    byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
    for (const id of verified.keys()) {
      if (!byId.get(id) || byId.get(id)?.revokedAt) verified.delete(id);
    }
  };
  // Reloads run in the background; close() waits for them so the database closes idle.
  const background = createBackgroundWork();
  const unsubscribe = shared.subscribe((notice) => {
    if (notice.type === 'key') background.run(reload(notice.id));
    if (notice.type === 'all') background.run(load());
  });

  const flush = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = [...pending];
    pending.clear();
    for (const [id, usage] of batch) {
      await db
        .updateTable('api_keys')
        .set((eb) => ({
          usage_total: eb('usage_total', '+', usage.total),
          usage_2xx: eb('usage_2xx', '+', usage.byStatus['2xx']),
          usage_3xx: eb('usage_3xx', '+', usage.byStatus['3xx']),
          usage_4xx: eb('usage_4xx', '+', usage.byStatus['4xx']),
          usage_5xx: eb('usage_5xx', '+', usage.byStatus['5xx']),
          last_used_at: usage.lastUsedAt ? new Date(usage.lastUsedAt) : null,
        }))
        .where('id', '=', id)
        .execute();
    }
  };
  const status = (record: ApiKeyRecord): KeyCheck => {
    if (record.revokedAt) return { ok: false, reason: 'revoked' };
    if (record.expiresAt && Date.parse(record.expiresAt) <= now())
      return { ok: false, reason: 'expired' };
    return { ok: true, record };
  };
  const byScope = (tenantId?: string, projectId?: string) => {
    let query = db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id');
    if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
    if (projectId !== undefined) query = query.where('project_id', '=', projectId);
    return query;
  };

  return {
    load,
    async create(input) {
      const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
      const secret = randomBytes(24).toString('base64url');
      const signingSecret = input.signed ? randomBytes(32).toString('hex') : undefined;
      const row = await db
        .insertInto('api_keys')
        .values({
          id,
          tenant_id: input.tenantId,
          project_id: input.projectId,
          name: input.name,
          agent_id: input.agentId,
          scopes: JSON.stringify(input.scopes),
          hash: await hashSecret(secret),
          created_at: new Date(now()),
          expires_at: input.expiresAt ? new Date(input.expiresAt) : null,
          revoked_at: null,
          allowed_ips: JSON.stringify(input.allowedIps),
          rate_limit: input.rateLimit,
          signing_secret: signingSecret ?? null,
          last_used_at: null,
          type: input.type ?? 'service',
          created_by: input.createdBy ?? null,
          alert_threshold: input.alertThreshold ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const record = toRecord(row);
      byId.set(id, record);
      await shared.publish({ type: 'key', id });
      return { key: `sk_${id}.${secret}`, record, ...(signingSecret ? { signingSecret } : {}) };
    },
    async list(tenantId, projectId) {
      await flush();
      return (await byScope(tenantId, projectId).execute()).map(toRecord);
    },
    async get(id) {
      await flush();
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async revoke(id) {
      const time = new Date(now());
      const row = await db
        .updateTable('api_keys')
        .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(time)) }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      verified.delete(id);
      if (!row) {
        byId.delete(id);
        return false;
      }
      byId.set(id, toRecord(row));
      await shared.publish({ type: 'key', id });
      return true;
    },
    async update(id, changes) {
      const set: Updateable<ApiKeysTable> = {};
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.allowedIps !== undefined) set.allowed_ips = JSON.stringify(changes.allowedIps);
      if (changes.rateLimit !== undefined) set.rate_limit = changes.rateLimit;
      if (changes.expiresAt !== undefined) {
        set.expires_at = changes.expiresAt === null ? null : new Date(changes.expiresAt);
      }
      if (changes.alertThreshold !== undefined) set.alert_threshold = changes.alertThreshold;
      if (changes.alertThreshold !== undefined || changes.rateLimit !== undefined) {
        set.alerted_at = null;
      }
      if (Object.keys(set).length === 0) return this.get(id);
      await flush();
      const row = await db
        .updateTable('api_keys')
        .set(set)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!row) {
        // No such key, or one revoked (perhaps since the caller read it): it stays as it was.
        const held = await db
          .selectFrom('api_keys')
          .select('revoked_at')
          .where('id', '=', id)
          .executeTakeFirst();
        if (held?.revoked_at) throw revokedKeyProblem();
        return undefined;
      }
      const record = toRecord(row);
      byId.set(id, record);
      await shared.publish({ type: 'key', id });
      return record;
    },
    async markAlerted(id, at) {
      const row = await db
        .updateTable('api_keys')
        .set({ alerted_at: new Date(at) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) return;
      byId.set(id, toRecord(row));
      await shared.publish({ type: 'key', id });
    },
    async verify(key, beforeSlowCheck) {
      const match = keyPattern.exec(key);
      if (!match?.[1] || !match[2]) return { ok: false, reason: 'malformed' };
      const record = byId.get(match[1]);
      if (!record) return { ok: false, reason: 'unknown' };
      // Revoked is final whatever the secret: no hash to run.
      if (record.revokedAt) return { ok: false, reason: 'revoked' };
      const known = verified.get(record.id);
      const given = digest(match[2]);
      if (known) {
        if (!timingSafeEqual(known, given)) return { ok: false, reason: 'unknown' };
      } else {
        await beforeSlowCheck?.(record.id);
        if (!(await verifySecret(match[2], record.hash))) return { ok: false, reason: 'unknown' };
        // The cache may have changed while scrypt ran (a revocation, a reload): judge the newest.
        const current = byId.get(record.id);
        if (current?.hash !== record.hash) return { ok: false, reason: 'unknown' };
        verified.set(record.id, given);
        return status(current);
      }
      return status(record);
    },
    recordUsage(id, code) {
      if (!byId.has(id)) return;
      const statusClass = `${Math.min(5, Math.max(2, Math.floor(code / 100)))}xx` as StatusClass;
      const usage = pending.get(id) ?? {
        total: 0,
        byStatus: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
        lastUsedAt: null,
      };
      usage.total++;
      usage.byStatus[statusClass]++;
      usage.lastUsedAt = new Date(now()).toISOString();
      pending.set(id, usage);
      if (!timer) {
        timer = setTimeout(() => {
          timer = undefined;
          flush().catch(() => {});
        }, usageFlushMs);
        timer.unref();
      }
    },
    flush,
    async close() {
      unsubscribe();
      await flush().catch(() => {});
      await background.settled();
    },
  };
}
