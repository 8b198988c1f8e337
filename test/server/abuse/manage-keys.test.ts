// A restricted `manage` key must not mint a key wider than itself: every way of widening is
// refused with 403 `forbidden` naming the field, and nothing is created.
import { describe, expect, it } from 'vitest';
import type { ApiKeyInput } from '../../../src/server/index.ts';
import { createTestApp } from '../helpers.ts';
import { createTestStores } from '../test-database.ts';

const base = '/manage/tenants/default/projects/default/api-keys';
const envAdmin = 'env-admin-key-0123456789-0123456789abcdef';
const start = Date.UTC(2026, 0, 1);
const creatorExpiry = new Date(start + 7 * 86_400_000).toISOString();

async function setUp() {
  const now = () => start;
  const stores = await createTestStores({ now });
  const app = createTestApp({
    stores,
    now,
    env: { ENVIRONMENT: 'production', ADMIN_API_KEY: envAdmin },
  });
  const restricted: ApiKeyInput = {
    name: 'ops',
    tenantId: 'default',
    projectId: 'default',
    agentId: 'agent_demo',
    scopes: ['manage', 'chat'],
    expiresAt: creatorExpiry,
    allowedIps: ['10.1.0.0/16', '2001:db8:1::/48'],
    rateLimit: 50,
    signed: false,
  };
  const { key, record } = await stores.apiKeys.create(restricted);
  return { app, stores, key, record };
}

function create(
  app: ReturnType<typeof createTestApp>,
  key: string,
  body: unknown,
  ip = '10.1.2.3',
) {
  return app.request(
    base,
    {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
    { incoming: { socket: { remoteAddress: ip } } },
  );
}

const narrow = { name: 'child', scopes: ['chat'], allowedIps: ['10.1.2.0/24'] };

describe('a restricted manage key', () => {
  it.each([
    [
      'a scope it lacks',
      { ...narrow, scopes: ['chat', 'read'] },
      'scopes may not include read: this key does not have it',
    ],
    [
      'no IP list',
      { ...narrow, allowedIps: [] },
      "allowedIps must list IPs within this key's own (10.1.0.0/16, 2001:db8:1::/48)",
    ],
    [
      'any IP',
      { ...narrow, allowedIps: ['*'] },
      "allowedIps must list IPs within this key's own (10.1.0.0/16, 2001:db8:1::/48)",
    ],
    [
      'a wider IPv4 range',
      { ...narrow, allowedIps: ['10.1.2.0/24', '10.0.0.0/8'] },
      'allowedIps entry "10.0.0.0/8" is outside this key\'s own (10.1.0.0/16, 2001:db8:1::/48)',
    ],
    [
      'a wider IPv6 range',
      { ...narrow, allowedIps: ['2001:db8::/32'] },
      'allowedIps entry "2001:db8::/32" is outside this key\'s own (10.1.0.0/16, 2001:db8:1::/48)',
    ],
    [
      'a later expiry',
      { ...narrow, expiresAt: new Date(start + 8 * 86_400_000).toISOString() },
      `expiresAt must end no later than this key does (${creatorExpiry})`,
    ],
    [
      'a longer lifetime',
      { ...narrow, expiresIn: '30d' },
      `expiresIn must end no later than this key does (${creatorExpiry})`,
    ],
    [
      'a higher rate limit',
      { ...narrow, rateLimit: 51 },
      "rateLimit must be at most this key's own (50)",
    ],
    [
      'another agent',
      { ...narrow, agentId: 'agent_other' },
      "agentId must be this key's own agent (agent_demo)",
    ],
  ])('cannot mint a key with %s', async (_case, body, detail) => {
    const { app, stores, key } = await setUp();
    const response = await create(app, key, body);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      status: 403,
      code: 'forbidden',
      detail,
      error: { code: 'forbidden', message: detail, status: 403 },
    });
    expect(await stores.apiKeys.list('default', 'default')).toHaveLength(1);
  });

  it('mints a narrower key that inherits its expiry, rate limit and agent', async () => {
    const { app, key } = await setUp();
    const response = await create(app, key, {
      ...narrow,
      allowedIps: ['10.1.2.0/24', '2001:db8:1:2::/64', '10.1.9.9'],
    });
    expect(response.status).toBe(201);
    const { data } = (await response.json()) as { data: Record<string, unknown> };
    expect(data).toMatchObject({
      scopes: ['chat'],
      allowedIps: ['10.1.2.0/24', '2001:db8:1:2::/64', '10.1.9.9'],
      expiresAt: creatorExpiry,
      rateLimit: 50,
      agentId: 'agent_demo',
    });
    // A bound equal to its own is not wider.
    const same = await create(app, key, {
      name: 'same',
      scopes: ['manage', 'chat'],
      allowedIps: ['10.1.0.0/16'],
      expiresAt: creatorExpiry,
      rateLimit: 50,
      agentId: 'agent_demo',
    });
    expect(same.status).toBe(201);
  });

  it('is still refused from outside its own IPs', async () => {
    const { app, key } = await setUp();
    const response = await create(app, key, narrow, '192.0.2.1');
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      code: 'forbidden',
      detail: 'Access denied from this IP address',
    });
  });
});

describe('an unrestricted admin credential', () => {
  it('mints any key', async () => {
    const { app } = await setUp();
    const response = await create(app, envAdmin, {
      name: 'wide',
      scopes: ['chat', 'read', 'manage'],
      allowedIps: ['*'],
      expiresIn: '365d',
      rateLimit: 1_000_000,
      agentId: 'agent_other',
    });
    expect(response.status).toBe(201);
    const { data } = (await response.json()) as { data: Record<string, unknown> };
    expect(data).toMatchObject({
      scopes: ['chat', 'read', 'manage'],
      allowedIps: ['*'],
      rateLimit: 1_000_000,
      agentId: 'agent_other',
    });
  });

  it('and a stored manage key without bounds mints keys without them', async () => {
    const { app, stores } = await setUp();
    const { key } = await stores.apiKeys.create({
      name: 'root',
      tenantId: 'default',
      projectId: 'default',
      agentId: null,
      scopes: ['manage', 'chat', 'read'],
      expiresAt: null,
      allowedIps: [],
      rateLimit: null,
      signed: false,
    });
    const response = await create(app, key, { name: 'free', scopes: ['read'] }, '192.0.2.7');
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      data: { allowedIps: [], expiresAt: null, rateLimit: null, agentId: null },
    });
  });
});
