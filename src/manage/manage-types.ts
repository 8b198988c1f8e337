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
  config: {
    webClient: { allowedDomains: string[]; allowAnonymous: boolean };
    /** Instructions the agent gives the model first; absent when the app has none. */
    systemPrompt?: string;
  };
  /** Anonymous sessions issued before this time are refused (absent until visitors are signed out). */
  sessionsRevokedBefore?: string;
}

/** The longest system prompt the server keeps, in characters. */
export const maxSystemPromptLength = 8000;

/** The fields of an app the dashboard creates or changes. */
export interface AppInput {
  name?: string;
  type?: AppType;
  enabled?: boolean;
  defaultAgentId?: string;
  config?: {
    webClient?: { allowedDomains?: string[]; allowAnonymous?: boolean };
    /** `null` (or blank) removes it. */
    systemPrompt?: string | null;
  };
}

/** Whose sessions to revoke: every visitor of the app, or the one with `sub`. */
export interface SessionRevocation {
  /** Sessions issued before this time (ISO 8601; default: now). */
  before?: string;
  /** One visitor, `anon_…`; absent = every visitor. */
  sub?: string;
}

/** The answer to revoking sessions: the cutoff now in force. */
export interface RevokedSessions {
  appId: string;
  sub: string | null;
  revokedBefore: string;
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

/** A negative rating of an answer, with the exchange it rates (texts cut by the server). */
export interface NegativeFeedback {
  conversationId: string;
  messageId: string;
  /** The visitor's comment, or null when they left none. */
  details: string | null;
  createdAt: string;
  /** The user message the answer replied to, or null when there is none. */
  question: string | null;
  /** The answer rated. */
  answer: string;
}

/** An app's feedback at a glance: counts, and the latest negatives, newest first. */
export interface AppFeedback {
  counts: { positive: number; negative: number };
  latestNegative: NegativeFeedback[];
}
