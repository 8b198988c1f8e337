import type { ApiKeyView } from '../../src/contract/api-key.ts';
import type { App } from '../../src/contract/app.ts';
import type { ManageClient } from '../../src/manage/create-manage-client.ts';

/** An app as the server returns it, with `overrides`. */
export function makeApp(overrides: Partial<App> = {}): App {
  return {
    id: 'app_docs',
    tenantId: 'default',
    projectId: 'default',
    name: 'Docs',
    type: 'web_client',
    enabled: true,
    defaultAgentId: 'default',
    config: { webClient: { allowedDomains: ['docs.example.com'], allowAnonymous: true } },
    ...overrides,
  };
}

/** A listed key, with `overrides`. */
export function makeKey(overrides: Partial<ApiKeyView> = {}): ApiKeyView {
  return {
    id: 'pub123',
    name: 'backend',
    tenantId: 'default',
    projectId: 'default',
    agentId: null,
    scopes: ['chat'],
    createdAt: '2026-11-01T10:00:00.000Z',
    expiresAt: null,
    revokedAt: null,
    allowedIps: [],
    rateLimit: null,
    signed: false,
    usage: { total: 0, byStatus: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, lastUsedAt: null },
    type: 'service',
    createdBy: null,
    alertThreshold: null,
    alertedAt: null,
    ...overrides,
  };
}

/** A client whose methods resolve with empty lists until a test replaces them. */
export function fakeClient(overrides: Partial<ManageClient> = {}): ManageClient {
  const never = () => Promise.reject(new Error('not expected'));
  return {
    listApps: async () => [],
    createApp: never,
    updateApp: never,
    deleteApp: never,
    revokeSessions: never,
    appFeedback: async () => ({ counts: { positive: 0, negative: 0 }, latestNegative: [] }),
    appActivity: never,
    listConversations: async () => ({ items: [], next: null }),
    getConversation: never,
    listKeys: async () => [],
    createKey: never,
    getKey: never,
    updateKey: never,
    revokeKey: never,
    keyUsage: never,
    ...overrides,
  };
}
