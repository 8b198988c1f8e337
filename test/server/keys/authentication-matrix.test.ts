// Every cell of mode × credential × route scope, with its exact status and code.
import { describe, expect, it } from 'vitest';
import { createTestApp, secret } from '../helpers.ts';
import { createTestStores } from '../test-database.ts';

const bypassSecret = 'bypass-secret-bypass-secret-bypass-0123';
const envAdmin = 'env-admin-key-0123456789-0123456789abcdef';
const envClient = 'env-client-key-0123456789-0123456789abcdef';
const scopeHeaders = {
  'x-inkeep-tenant-id': 'default',
  'x-inkeep-project-id': 'default',
  'x-inkeep-agent-id': 'agent_demo',
};

type Mode = 'development' | 'standard' | 'bypass';
type Credential =
  | 'none'
  | 'scope headers only'
  | 'bypass secret'
  | 'valid key'
  | 'manage key'
  | 'expired key'
  | 'revoked key'
  | 'wrong secret, right id'
  | 'truncated key'
  | 'env admin key'
  | 'env client key';
type Route = 'chat' | 'read' | 'manage';

const modes: Record<Mode, Record<string, string>> = {
  development: { ENVIRONMENT: 'development' },
  standard: { ENVIRONMENT: 'production' },
  bypass: { ENVIRONMENT: 'production', INKEEP_AGENTS_RUN_API_BYPASS_SECRET: bypassSecret },
};

async function setUp(mode: Mode) {
  let now = Date.UTC(2026, 0, 1);
  const clock = () => now;
  const stores = await createTestStores({ now: clock });
  const { apiKeys } = stores;
  const make = (scopes: ('chat' | 'read' | 'manage')[], extra = {}) =>
    apiKeys.create({
      name: 'test',
      tenantId: 'default',
      projectId: 'default',
      agentId: null,
      scopes,
      expiresAt: null,
      allowedIps: [],
      rateLimit: null,
      signed: false,
      ...extra,
    });
  const valid = (await make(['chat', 'read'])).key;
  const manage = (await make(['manage'])).key;
  const expired = (
    await make(['chat', 'read', 'manage'], { expiresAt: new Date(now + 1000).toISOString() })
  ).key;
  const revoked = await make(['chat', 'read', 'manage']);
  await apiKeys.revoke(revoked.record.id);
  now += 2000;
  const app = createTestApp({
    stores,
    now: clock,
    env: {
      ...modes[mode],
      ADMIN_API_KEY: envAdmin,
      VALID_API_KEYS: `other-key-0123456789-0123456789abcdef,${envClient}`,
    },
    settings: { jwtSecret: secret },
  });
  const [prefix = '', keySecret = ''] = valid.split('.');
  const credentials: Record<Credential, Record<string, string>> = {
    none: {},
    'scope headers only': scopeHeaders,
    'bypass secret': { authorization: `Bearer ${bypassSecret}`, ...scopeHeaders },
    'valid key': { 'x-api-key': valid },
    'manage key': { 'x-api-key': manage },
    'expired key': { 'x-api-key': expired },
    'revoked key': { 'x-api-key': revoked.key },
    'wrong secret, right id': {
      'x-api-key': `${prefix}.${keySecret.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`,
    },
    'truncated key': { 'x-api-key': valid.slice(0, -5) },
    'env admin key': { 'x-api-key': envAdmin },
    'env client key': { authorization: `Bearer ${envClient}` },
  };
  return { app, credentials };
}

function call(
  app: ReturnType<typeof createTestApp>,
  route: Route,
  headers: Record<string, string>,
) {
  if (route === 'chat') {
    return app.request('/run/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
  }
  if (route === 'read') return app.request('/run/v1/conversations', { headers });
  return app.request('/manage/tenants/default/projects/default/apps', { headers });
}

const ok = [200, undefined] as const;
const unauthorized = [401, 'unauthorized'] as const;
const forbidden = [403, 'forbidden'] as const;
const expired = [401, 'expired_api_key'] as const;
type Expected = readonly [number, string | undefined];

// credential → route → expected, identical in every mode unless `byMode` says otherwise.
const expectations: Record<
  Credential,
  Record<Route, Expected> | ((mode: Mode) => Record<Route, Expected>)
> = {
  none: { chat: unauthorized, read: unauthorized, manage: unauthorized },
  'scope headers only': (mode) =>
    mode === 'development'
      ? { chat: ok, read: ok, manage: forbidden }
      : { chat: unauthorized, read: unauthorized, manage: unauthorized },
  'bypass secret': (mode) =>
    mode === 'bypass'
      ? { chat: ok, read: ok, manage: ok }
      : { chat: unauthorized, read: unauthorized, manage: unauthorized },
  'valid key': { chat: ok, read: ok, manage: forbidden },
  'manage key': { chat: forbidden, read: forbidden, manage: ok },
  'expired key': { chat: expired, read: expired, manage: expired },
  'revoked key': { chat: unauthorized, read: unauthorized, manage: unauthorized },
  'wrong secret, right id': { chat: unauthorized, read: unauthorized, manage: unauthorized },
  'truncated key': { chat: unauthorized, read: unauthorized, manage: unauthorized },
  'env admin key': { chat: ok, read: ok, manage: ok },
  'env client key': { chat: ok, read: ok, manage: forbidden },
};

const cells: [Mode, Credential, Route, Expected][] = [];
for (const mode of Object.keys(modes) as Mode[]) {
  for (const [credential, expectation] of Object.entries(expectations) as [
    Credential,
    (typeof expectations)[Credential],
  ][]) {
    const byRoute = typeof expectation === 'function' ? expectation(mode) : expectation;
    for (const route of ['chat', 'read', 'manage'] as Route[])
      cells.push([mode, credential, route, byRoute[route]]);
  }
}

describe('authentication: mode × credential × route', () => {
  it.each(cells)('%s mode, %s, %s route → %j', async (mode, credential, route, [status, code]) => {
    const { app, credentials } = await setUp(mode);
    const response = await call(app, route, credentials[credential]);
    expect(response.status).toBe(status);
    if (code) expect(await response.json()).toMatchObject({ code, status });
  });
});
