import type { ApiKeyView, KeyType, KeyUsage, Scope } from '../../contract/api-key.ts';

// Scopes, usage and the listed view are wire data of the manage API: one definition, shared
// with the dashboard.
export { allKeyTypes, allScopes, temporaryKeyLifetimeMs } from '../../contract/api-key.ts';
export type { ApiKeyView, KeyType, KeyUsage, Scope };

/** A stored API key: never the secret itself, only its salted scrypt hash. */
export interface ApiKeyRecord {
  /** The public id, the `<publicId>` of `sk_<publicId>.<secret>`. */
  id: string;
  name: string;
  tenantId: string;
  projectId: string;
  /** The one agent this key may use, if bound. */
  agentId: string | null;
  scopes: Scope[];
  /** `scrypt$<salt hex>$<hash hex>`. */
  hash: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  allowedIps: string[];
  /** Requests per 60 s; null = the server default (`API_RATE_LIMIT`). */
  rateLimit: number | null;
  /** HMAC secret for request signing, when the key requires signed requests. */
  signingSecret: string | null;
  usage: KeyUsage;
  type: KeyType;
  /** The manage identity that created it (`key:<publicId>`, `env:admin`, `cli`, …). */
  createdBy: string | null;
  /** Percent of the rate limit at which a usage alert fires; null = off. */
  alertThreshold: number | null;
  /** When use last crossed the alert threshold; cleared when the threshold or limit changes. */
  alertedAt: string | null;
}

/** The view of a stored key that is safe to show. */
export function viewApiKey(record: ApiKeyRecord): ApiKeyView {
  const { hash: _hash, signingSecret, ...rest } = record;
  return { ...rest, signed: signingSecret !== null };
}
