import type {
  ActivityRange,
  AppActivity,
  LoggedConversation,
  LoggedConversationDetail,
} from '../contract/activity.ts';
import type {
  ApiKeyInput,
  ApiKeyUpdate,
  ApiKeyView,
  CreatedApiKey,
  KeyUsage,
} from '../contract/api-key.ts';
import type { App, AppInput, RevokedSessions, SessionRevocation } from '../contract/app.ts';
import type { FeedbackSummary } from '../contract/feedback.ts';
import { ManageApiError } from './manage-api-error.ts';

/** Options of {@link createManageClient}. */
export interface ManageClientOptions {
  /** An admin or `manage`-scope key, sent as `X-API-Key` (never in a URL). */
  apiKey: string;
  tenantId?: string;
  projectId?: string;
  /** The Run API server (default: this page's origin). */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
}

/** The manage API of one tenant and project. */
export interface ManageClient {
  listApps(): Promise<App[]>;
  createApp(input: AppInput): Promise<App>;
  updateApp(id: string, input: AppInput): Promise<App>;
  deleteApp(id: string): Promise<void>;
  /** Signs out an app's visitors (all of them, or one `sub`): their sessions are refused. */
  revokeSessions(id: string, revocation?: SessionRevocation): Promise<RevokedSessions>;
  /** An app's feedback counts and its latest negative feedback, with question and answer. */
  appFeedback(id: string): Promise<FeedbackSummary>;
  /** An app's sessions, chats, refusals and feedback over the last 24 hours or 30 days. */
  appActivity(id: string, range: ActivityRange): Promise<AppActivity>;
  /** A page of an app's conversation log, newest first; `next` is the following page's cursor. */
  listConversations(
    id: string,
    page?: { limit?: number; cursor?: string | undefined },
  ): Promise<{ items: LoggedConversation[]; next: string | null }>;
  /** One conversation of the log with its messages. */
  getConversation(id: string, conversationId: string): Promise<LoggedConversationDetail>;
  listKeys(): Promise<ApiKeyView[]>;
  createKey(input: ApiKeyInput): Promise<CreatedApiKey>;
  /** One key, everything but its secret. */
  getKey(id: string): Promise<ApiKeyView>;
  /** Changes a key's name, IPs, rate limit, expiry or alert threshold; resolves with the key. */
  updateKey(id: string, update: ApiKeyUpdate): Promise<ApiKeyView>;
  revokeKey(id: string): Promise<void>;
  keyUsage(id: string): Promise<KeyUsage>;
}

async function readProblem(response: Response): Promise<ManageApiError> {
  let body: { detail?: unknown; code?: unknown } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not problem+json (a proxy's page, say): the status alone tells what happened.
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ManageApiError(
    response.status,
    typeof body.code === 'string' ? body.code : 'http_error',
    typeof body.detail === 'string' ? body.detail : `HTTP ${response.status}`,
    { retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined },
  );
}

/** A client for the manage API; every failure is a {@link ManageApiError}. */
export function createManageClient({
  apiKey,
  tenantId = 'default',
  projectId = 'default',
  baseUrl = globalThis.location?.origin ?? '',
  fetch = globalThis.fetch.bind(globalThis),
}: ManageClientOptions): ManageClient {
  const base = `${baseUrl}/manage/tenants/${encodeURIComponent(tenantId)}/projects/${encodeURIComponent(projectId)}`;
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'X-API-Key': apiKey, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      cache: 'no-store',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw await readProblem(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  const id = (value: string) => `/${encodeURIComponent(value)}`;
  return {
    listApps: async () => (await call<{ data: App[] }>('GET', '/apps')).data,
    createApp: async (input) => (await call<{ data: App }>('POST', '/apps', input)).data,
    updateApp: async (appId, input) =>
      (await call<{ data: App }>('PATCH', `/apps${id(appId)}`, input)).data,
    deleteApp: (appId) => call<void>('DELETE', `/apps${id(appId)}`),
    revokeSessions: async (appId, revocation = {}) =>
      (
        await call<{ data: RevokedSessions }>(
          'POST',
          `/apps${id(appId)}/sessions/revoke`,
          revocation,
        )
      ).data,
    appFeedback: (appId) => call<FeedbackSummary>('GET', `/apps${id(appId)}/feedback`),
    appActivity: async (appId, range) =>
      (await call<{ data: AppActivity }>('GET', `/apps${id(appId)}/activity?range=${range}`)).data,
    listConversations: async (appId, { limit = 20, cursor } = {}) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor) query.set('cursor', cursor);
      const { data, pagination } = await call<{
        data: LoggedConversation[];
        pagination: { next: string | null };
      }>('GET', `/apps${id(appId)}/conversations?${query}`);
      return { items: data, next: pagination.next };
    },
    getConversation: async (appId, conversationId) =>
      (
        await call<{ data: LoggedConversationDetail }>(
          'GET',
          `/apps${id(appId)}/conversations${id(conversationId)}`,
        )
      ).data,
    listKeys: async () => (await call<{ data: ApiKeyView[] }>('GET', '/api-keys')).data,
    createKey: (input) => call<CreatedApiKey>('POST', '/api-keys', input),
    getKey: async (keyId) =>
      (await call<{ data: ApiKeyView }>('GET', `/api-keys${id(keyId)}`)).data,
    updateKey: async (keyId, update) =>
      (await call<{ data: ApiKeyView }>('PATCH', `/api-keys${id(keyId)}`, update)).data,
    revokeKey: (keyId) => call<void>('DELETE', `/api-keys${id(keyId)}`),
    keyUsage: async (keyId) =>
      (await call<{ data: KeyUsage }>('GET', `/api-keys${id(keyId)}/usage`)).data,
  };
}
