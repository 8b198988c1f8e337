import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { createWriteQueue } from '../storage/create-write-queue.ts';
import { writeFileAtomic } from '../storage/write-file-atomic.ts';
import type { ApiKeyRecord, Scope } from './api-key.ts';
import { hashSecret, verifySecret } from './scrypt-hash.ts';

/** What a new key is made of (validated by `parseApiKeyInput`). */
export interface ApiKeyInput {
  name: string;
  tenantId: string;
  projectId: string;
  agentId: string | null;
  scopes: Scope[];
  expiresAt: string | null;
  allowedIps: string[];
  rateLimit: number | null;
  /** Give the key a signing secret: its requests must then be signed. */
  signed: boolean;
}

/** The outcome of checking a presented key. */
export type KeyCheck =
  | { ok: true; record: ApiKeyRecord }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' };

/** Stored API keys: created, listed, revoked, verified and counted. */
export interface ApiKeyStore {
  /** Creates a key; `key` (and `signingSecret`) are shown once and never stored in clear. */
  create(
    input: ApiKeyInput,
  ): Promise<{ key: string; record: ApiKeyRecord; signingSecret?: string }>;
  list(tenantId?: string, projectId?: string): ApiKeyRecord[];
  get(id: string): ApiKeyRecord | undefined;
  /** Revokes at once; false when there is no such key. */
  revoke(id: string): Promise<boolean>;
  /** Checks `sk_<publicId>.<secret>`; scrypt runs only until the key first verifies. */
  verify(key: string): Promise<KeyCheck>;
  /** Counts a finished request of a key. */
  recordUsage(id: string, status: number): void;
  /** Writes pending usage counters. */
  flush(): Promise<void>;
}

/** Options of {@link createApiKeyStore}. */
export interface ApiKeyStoreOptions {
  /** With a folder, keys live in `api-keys.json` there (atomic writes). */
  dataDir?: string | undefined;
  now?: () => number;
  /** How long usage counters may wait before being written. */
  usageFlushMs?: number;
}

const keyPattern = /^sk_([A-Za-z0-9]{8,40})\.([A-Za-z0-9_-]{16,128})$/;
const digest = (secret: string) => createHash('sha256').update(secret).digest();

function modified(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function loadKeys(path: string): ApiKeyRecord[] {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { keys?: unknown };
    if (!Array.isArray(parsed.keys)) throw new Error('"keys" is not an array');
    return parsed.keys as ApiKeyRecord[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`${path} is not a valid keys file: ${(error as Error).message}`);
  }
}

/** Creates the key store, in memory or persisted in `dataDir`. */
export function createApiKeyStore({
  dataDir,
  now = Date.now,
  usageFlushMs = 2000,
}: ApiKeyStoreOptions = {}): ApiKeyStore {
  const path = dataDir ? join(dataDir, 'api-keys.json') : undefined;
  const byId = new Map<string, ApiKeyRecord>();
  if (path) for (const record of loadKeys(path)) byId.set(record.id, record);
  // Digest of each secret that has verified once: later checks skip scrypt.
  const verified = new Map<string, Buffer>();
  let seenMtime = path ? modified(path) : 0;
  let lastLook = 0;
  // `keys create|revoke` may change the file while a server runs: take in new keys and
  // revocations (never undo one), so a revocation holds at once and our next write keeps it.
  const merge = () => {
    if (!path) return;
    const mtime = modified(path);
    if (mtime === seenMtime) return;
    seenMtime = mtime;
    let stored: ApiKeyRecord[];
    try {
      stored = loadKeys(path);
    } catch {
      return;
    }
    for (const record of stored) {
      const mine = byId.get(record.id);
      if (!mine) {
        byId.set(record.id, record);
      } else {
        if (record.revokedAt && !mine.revokedAt) mine.revokedAt = record.revokedAt;
        if (record.usage.total > mine.usage.total) mine.usage = record.usage;
      }
    }
  };
  const queue = createWriteQueue(async () => {
    if (!path) return;
    merge();
    await writeFileAtomic(path, `${JSON.stringify({ keys: [...byId.values()] }, null, 2)}\n`);
    seenMtime = modified(path);
  });
  let usageTimer: NodeJS.Timeout | undefined;

  const status = (record: ApiKeyRecord): KeyCheck => {
    if (record.revokedAt) return { ok: false, reason: 'revoked' };
    if (record.expiresAt && Date.parse(record.expiresAt) <= now())
      return { ok: false, reason: 'expired' };
    return { ok: true, record };
  };

  return {
    async create(input) {
      const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
      const secret = randomBytes(24).toString('base64url');
      const signingSecret = input.signed ? randomBytes(32).toString('hex') : undefined;
      const { signed: _signed, ...fields } = input;
      const record: ApiKeyRecord = {
        id,
        ...fields,
        hash: await hashSecret(secret),
        createdAt: new Date(now()).toISOString(),
        revokedAt: null,
        signingSecret: signingSecret ?? null,
        usage: { total: 0, byStatus: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, lastUsedAt: null },
      };
      byId.set(id, record);
      await queue.save();
      return { key: `sk_${id}.${secret}`, record, ...(signingSecret ? { signingSecret } : {}) };
    },
    list: (tenantId, projectId) =>
      [...byId.values()].filter(
        (record) =>
          (tenantId === undefined || record.tenantId === tenantId) &&
          (projectId === undefined || record.projectId === projectId),
      ),
    get: (id) => byId.get(id),
    async revoke(id) {
      const record = byId.get(id);
      if (!record) return false;
      record.revokedAt ??= new Date(now()).toISOString();
      verified.delete(id);
      await queue.save();
      return true;
    },
    async verify(key) {
      const match = keyPattern.exec(key);
      if (!match?.[1] || !match[2]) return { ok: false, reason: 'malformed' };
      // One stat a second at most: cheap enough for the hot path.
      if (path && Date.now() - lastLook > 1000) {
        lastLook = Date.now();
        merge();
      }
      const record = byId.get(match[1]);
      if (!record) return { ok: false, reason: 'unknown' };
      const known = verified.get(record.id);
      const given = digest(match[2]);
      if (known) {
        if (!timingSafeEqual(known, given)) return { ok: false, reason: 'unknown' };
      } else {
        if (!(await verifySecret(match[2], record.hash))) return { ok: false, reason: 'unknown' };
        verified.set(record.id, given);
      }
      return status(record);
    },
    recordUsage(id, code) {
      const record = byId.get(id);
      if (!record) return;
      const statusClass =
        `${Math.min(5, Math.max(2, Math.floor(code / 100)))}xx` as keyof ApiKeyRecord['usage']['byStatus'];
      record.usage.total++;
      record.usage.byStatus[statusClass]++;
      record.usage.lastUsedAt = new Date(now()).toISOString();
      if (path && !usageTimer) {
        usageTimer = setTimeout(() => {
          usageTimer = undefined;
          queue.save().catch(() => {});
        }, usageFlushMs);
        usageTimer.unref();
      }
    },
    async flush() {
      if (usageTimer) clearTimeout(usageTimer);
      usageTimer = undefined;
      await queue.save();
    },
  };
}
