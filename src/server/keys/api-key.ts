/** What a credential may do: chat completions, read conversations, manage apps and keys. */
export type Scope = 'chat' | 'read' | 'manage';

/** Every scope, in a stable order. */
export const allScopes: readonly Scope[] = ['chat', 'read', 'manage'];

/** Requests counted per key. */
export interface KeyUsage {
  total: number;
  byStatus: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  lastUsedAt: string | null;
}

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
}

/** A key as listed: everything but hash and signing secret. */
export type ApiKeyView = Omit<ApiKeyRecord, 'hash' | 'signingSecret'> & { signed: boolean };

/** The view of a stored key that is safe to show. */
export function viewApiKey(record: ApiKeyRecord): ApiKeyView {
  const { hash: _hash, signingSecret, ...rest } = record;
  return { ...rest, signed: signingSecret !== null };
}
