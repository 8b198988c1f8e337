/** What kind of client an app serves (mirrors the Run API's wire shape). */
export type AppType = 'web_client' | 'api';

/** An app as the manage API returns it. */
export interface App {
  id: string;
  tenantId: string;
  projectId: string;
  name: string;
  type: AppType;
  enabled: boolean;
  defaultAgentId: string;
  config: { webClient: { allowedDomains: string[]; allowAnonymous: boolean } };
}

/** The fields of an app the dashboard creates or changes. */
export interface AppInput {
  name?: string;
  type?: AppType;
  enabled?: boolean;
  defaultAgentId?: string;
  config?: { webClient?: { allowedDomains?: string[]; allowAnonymous?: boolean } };
}

/** What an API key may do. */
export type Scope = 'chat' | 'read' | 'manage';

/** Requests counted for one key. */
export interface KeyUsage {
  total: number;
  byStatus: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  lastUsedAt: string | null;
}

/** A stored key as listed: never its secret. */
export interface ApiKeyView {
  id: string;
  name: string;
  tenantId: string;
  projectId: string;
  agentId: string | null;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  allowedIps: string[];
  rateLimit: number | null;
  signed: boolean;
  usage: KeyUsage;
}

/** The definition of a new key. */
export interface ApiKeyInput {
  name: string;
  scopes: Scope[];
  agentId?: string;
  expiresIn?: string;
  allowedIps?: string[];
  rateLimit?: number;
  /** Requests must be signed with a secret shown once, like the key. */
  signed?: boolean;
}

/** The answer to creating a key: the only time `key` is ever sent. */
export interface CreatedApiKey {
  data: ApiKeyView;
  key: string;
  signingSecret?: string;
}
