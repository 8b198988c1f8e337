import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { signRequest, startServer } from '../../../src/server/index.ts';
import { createTestApp, getToken, keyInput, requestChat, secret, withTestLog } from '../helpers.ts';
import { createTestStores } from '../test-database.ts';

const base = '/manage/tenants/default/projects/default/api-keys';
const envAdmin = 'env-admin-key-0123456789-0123456789abcdef';

async function setUp(env: Record<string, string> = {}) {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const now = () => clock.now;
  const stores = await createTestStores({ now: now });
  const { apiKeys } = stores;
  const app = createTestApp({
    stores,
    now,
    env: { ENVIRONMENT: 'production', ADMIN_API_KEY: envAdmin, ...env },
  });
  return { app, apiKeys, clock };
}

const chatBody = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] });
const chat = (
  app: ReturnType<typeof createTestApp>,
  headers: Record<string, string>,
  ip = '10.0.0.1',
  body = chatBody,
) =>
  app.request(
    '/run/v1/chat/completions',
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body },
    { incoming: { socket: { remoteAddress: ip } } },
  );

describe('API keys', () => {
  it('are stored only as a scrypt hash and verify without scrypt after the first time', async () => {
    const { apiKeys } = await setUp();
    const { key, record } = await apiKeys.create(keyInput());
    expect(key).toMatch(/^sk_[A-Za-z0-9]+\.[A-Za-z0-9_-]+$/);
    expect(record.hash).toMatch(/^scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(JSON.stringify(record)).not.toContain(key.split('.')[1]);
    // Count scrypt runs (not time): the first check derives, later ones compare a digest.
    const scrypt = vi.spyOn(crypto, 'scrypt');
    syncBuiltinESMExports();
    onTestFinished(() => {
      scrypt.mockRestore();
      syncBuiltinESMExports();
    });
    expect((await apiKeys.verify(key)).ok).toBe(true);
    expect(scrypt).toHaveBeenCalledTimes(1);
    for (let index = 0; index < 20; index++) expect((await apiKeys.verify(key)).ok).toBe(true);
    expect(scrypt).toHaveBeenCalledTimes(1);
  });

  it('prefers X-API-Key over Authorization when both are sent', async () => {
    const { app, apiKeys } = await setUp();
    const { key } = await apiKeys.create(keyInput());
    expect(
      (await chat(app, { 'x-api-key': key, authorization: 'Bearer sk_nope.nopenopenopenopenope' }))
        .status,
    ).toBe(200);
    expect(
      (
        await chat(app, {
          'x-api-key': 'sk_nope.nopenopenopenopenope',
          authorization: `Bearer ${key}`,
        })
      ).status,
    ).toBe(401);
    expect((await chat(app, { authorization: `Bearer ${key}` })).status).toBe(200);
  });

  it('answer chat without Origin or app id, from the key’s agent, and refuse another agent', async () => {
    const { app, apiKeys } = await setUp();
    const { key } = await apiKeys.create(keyInput({ agentId: 'agent_docs' }));
    const response = await chat(app, { 'x-api-key': key });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-inkeep-conversation-id')).toMatch(/^conv_/);
    expect((await chat(app, { 'x-api-key': key, 'x-inkeep-agent-id': 'agent_docs' })).status).toBe(
      200,
    );
    const other = await chat(app, { 'x-api-key': key, 'x-inkeep-agent-id': 'agent_other' });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ code: 'forbidden' });
  });

  it('keep their conversations apart from anonymous visitors and other keys', async () => {
    const { app, apiKeys } = await setUp();
    const one = (await apiKeys.create(keyInput())).key;
    const two = (await apiKeys.create(keyInput())).key;
    const id = (await chat(app, { 'x-api-key': one })).headers.get('x-inkeep-conversation-id');
    expect(
      (await app.request(`/run/v1/conversations/${id}`, { headers: { 'x-api-key': one } })).status,
    ).toBe(200);
    expect(
      (await app.request(`/run/v1/conversations/${id}`, { headers: { 'x-api-key': two } })).status,
    ).toBe(404);
    const visitor = await getToken(app);
    const anonymous = await requestChat(app, visitor, {
      messages: [{ role: 'user', content: 'hi' }],
      conversationId: id,
    });
    expect(anonymous.status).toBe(404);
  });
});

describe('environment keys', () => {
  it('are checked after stored keys, even when they look like stored keys', async () => {
    const { app } = await setUp({
      VALID_API_KEYS:
        'sk_lookalike0.abcdefghijklmnopqrstuv0123456789, plain-client-key-0123456789abcdefghijk',
    });
    expect(
      (await chat(app, { 'x-api-key': 'sk_lookalike0.abcdefghijklmnopqrstuv0123456789' })).status,
    ).toBe(200);
    expect(
      (await chat(app, { authorization: 'Bearer plain-client-key-0123456789abcdefghijk' })).status,
    ).toBe(200);
    expect(
      (await chat(app, { 'x-api-key': 'plain-client-key-0123456789abcdefghijk-2' })).status,
    ).toBe(401);
  });
});

describe('per-key rate limits (injected clock)', () => {
  it('pass exactly the limit, then 429 with Retry-After, in fixed windows', async () => {
    const { app, apiKeys, clock } = await setUp();
    // The limiter's windows follow the system clock (as they do in Redis): keep it with ours.
    vi.useFakeTimers({ toFake: ['Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const tick = (ms: number) => {
      clock.now += ms;
      vi.setSystemTime(clock.now);
    };
    tick(0);
    const { key } = await apiKeys.create(keyInput({ rateLimit: 3 }));
    const start = clock.now;
    for (let index = 0; index < 3; index++) {
      const response = await chat(app, { 'x-api-key': key });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(2 - index));
      tick(10_000);
    }
    const refused = await chat(app, { 'x-api-key': key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
    expect(refused.headers.get('x-ratelimit-reset')).toBe(String((start + 60_000) / 1000));
    expect(await refused.json()).toMatchObject({
      code: 'rate_limit_exceeded',
      error: { retry_after: 30 },
    });
    tick(start + 60_000 - clock.now);
    for (let index = 0; index < 3; index++) {
      expect((await chat(app, { 'x-api-key': key })).status).toBe(200);
    }
    expect((await chat(app, { 'x-api-key': key })).status).toBe(429);
  });

  it('default to API_RATE_LIMIT', async () => {
    const { app, apiKeys } = await setUp({ API_RATE_LIMIT: '2' });
    const { key } = await apiKeys.create(keyInput());
    expect((await chat(app, { 'x-api-key': key })).status).toBe(200);
    expect((await chat(app, { 'x-api-key': key })).status).toBe(200);
    expect((await chat(app, { 'x-api-key': key })).status).toBe(429);
  });
});

describe('IP allowlists', () => {
  it.each([
    ['10.1.2.3', 200],
    ['10.255.0.1', 200],
    ['192.168.1.5', 200],
    ['192.168.1.6', 403],
    ['11.0.0.1', 403],
    ['::ffff:10.0.0.9', 200],
  ])('ALLOWED_IPS=10.0.0.0/8,192.168.1.5: %s → %i', async (ip, status) => {
    const { app, apiKeys } = await setUp({ ALLOWED_IPS: '10.0.0.0/8,192.168.1.5' });
    const { key } = await apiKeys.create(keyInput());
    const response = await chat(app, { 'x-api-key': key }, ip);
    expect(response.status).toBe(status);
    if (status === 403) {
      expect(await response.json()).toMatchObject({
        code: 'forbidden',
        detail: 'Access denied from this IP address',
      });
    }
  });

  it('applies per-key lists, and not to anonymous visitors', async () => {
    const { app, apiKeys } = await setUp({ ALLOWED_IPS: '10.0.0.0/8' });
    const { key } = await apiKeys.create(keyInput({ allowedIps: ['10.0.0.7'] }));
    expect((await chat(app, { 'x-api-key': key }, '10.0.0.7')).status).toBe(200);
    expect((await chat(app, { 'x-api-key': key }, '10.0.0.8')).status).toBe(403);
    expect((await getToken(app)).length).toBeGreaterThan(0);
  });

  it('refuses a bad ALLOWED_IPS at start', () => {
    expect(() => createTestApp({ env: { ALLOWED_IPS: '10.0.0.0/33' } })).toThrow(/ALLOWED_IPS/);
  });
});

describe('request signing', () => {
  async function signedSetUp() {
    const context = await setUp();
    const { key, signingSecret = '' } = await context.apiKeys.create(keyInput({ signed: true }));
    const send = (options: { timestamp?: number; body?: string; signature?: string } = {}) => {
      const timestamp = options.timestamp ?? Math.floor(context.clock.now / 1000);
      const signature =
        options.signature ??
        signRequest(signingSecret, {
          method: 'POST',
          path: '/run/v1/chat/completions',
          timestamp,
          body: chatBody,
        });
      return chat(
        context.app,
        { 'x-api-key': key, 'x-timestamp': String(timestamp), 'x-signature': signature },
        '10.0.0.1',
        options.body ?? chatBody,
      );
    };
    return { ...context, send, key, signingSecret };
  }

  it('accepts a signed request once; a replay is 401', async () => {
    const { send } = await signedSetUp();
    expect((await send()).status).toBe(200);
    const replay = await send();
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({
      code: 'unauthorized',
      detail: 'Request signature was already used',
    });
  });

  it.each([
    ['301 s behind', -301, 401],
    ['299 s behind', -299, 200],
    ['299 s ahead', 299, 200],
    ['301 s ahead', 301, 401],
  ])('clock skew %s → %i', async (_name, skew, status) => {
    const { send, clock } = await signedSetUp();
    expect((await send({ timestamp: Math.floor(clock.now / 1000) + skew })).status).toBe(status);
  });

  it('refuses a tampered body, a wrong secret and a missing signature', async () => {
    const { send, app, key, clock } = await signedSetUp();
    const tampered = await send({ body: chatBody.replace('hi', 'ho') });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ detail: 'Invalid request signature' });
    const timestamp = Math.floor(clock.now / 1000);
    const forged = signRequest('0'.repeat(64), {
      method: 'POST',
      path: '/run/v1/chat/completions',
      timestamp,
      body: chatBody,
    });
    expect((await send({ signature: forged })).status).toBe(401);
    const unsigned = await chat(app, { 'x-api-key': key });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({
      detail: 'Signed requests need X-Timestamp and X-Signature',
    });
  });
});

describe('manage API for keys', () => {
  const admin = { 'x-api-key': envAdmin, 'content-type': 'application/json' };

  it('creates (shown once), lists without secrets, counts usage, and revokes at once', async () => {
    const { app } = await setUp();
    const created = await app.request(base, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'ci', scopes: ['chat'], expiresIn: '30d', rateLimit: 100 }),
    });
    expect(created.status).toBe(201);
    const { key, data } = (await created.json()) as {
      key: string;
      data: { id: string; expiresAt: string };
    };
    expect(data.expiresAt).toBe(new Date(Date.UTC(2026, 0, 31)).toISOString());
    const listed = await (await app.request(base, { headers: admin })).text();
    expect(listed).toContain(data.id);
    expect(listed).not.toContain(key.split('.')[1]);
    expect(listed).not.toContain('scrypt');

    expect((await chat(app, { 'x-api-key': key })).status).toBe(200);
    expect(
      (await chat(app, { 'x-api-key': key, 'x-inkeep-agent-id': '' }, '10.0.0.1', '{')).status,
    ).toBe(400);
    const usage = await app.request(`${base}/${data.id}/usage`, { headers: admin });
    expect(await usage.json()).toMatchObject({
      data: {
        id: data.id,
        total: 2,
        byStatus: { '2xx': 1, '4xx': 1 },
        lastUsedAt: expect.any(String),
      },
    });

    expect(
      (await app.request(`${base}/${data.id}`, { method: 'DELETE', headers: admin })).status,
    ).toBe(204);
    expect((await chat(app, { 'x-api-key': key })).status).toBe(401);
  });

  it('keeps several keys active for rotation', async () => {
    const { app, apiKeys } = await setUp();
    const old = await apiKeys.create(keyInput());
    const fresh = await apiKeys.create(keyInput());
    expect((await chat(app, { 'x-api-key': old.key })).status).toBe(200);
    expect((await chat(app, { 'x-api-key': fresh.key })).status).toBe(200);
    await apiKeys.revoke(old.record.id);
    expect((await chat(app, { 'x-api-key': old.key })).status).toBe(401);
    expect((await chat(app, { 'x-api-key': fresh.key })).status).toBe(200);
  });

  it('refuses a manage key of another project', async () => {
    const { app, apiKeys } = await setUp();
    const { key } = await apiKeys.create(keyInput({ scopes: ['manage'], projectId: 'other' }));
    const response = await app.request(base, { headers: { 'x-api-key': key } });
    expect(response.status).toBe(403);
    expect(
      (
        await app.request('/manage/tenants/default/projects/other/api-keys', {
          headers: { 'x-api-key': key },
        })
      ).status,
    ).toBe(200);
  });

  it.each([
    [{ scopes: ['chat'] }, 'name'],
    [{ name: 'x', scopes: [] }, 'scopes'],
    [{ name: 'x', scopes: ['admin'] }, 'scopes'],
    [{ name: 'x', scopes: ['chat'], expiresIn: 'soon' }, 'expiresIn'],
    [{ name: 'x', scopes: ['chat'], expiresAt: '2000-01-01T00:00:00Z' }, 'expiresAt'],
    [{ name: 'x', scopes: ['chat'], allowedIps: ['nope'] }, 'allowedIps'],
    [{ name: 'x', scopes: ['chat'], rateLimit: 0 }, 'rateLimit'],
    [{ name: 'x', scopes: ['chat'], signed: 'yes' }, 'signed'],
  ])('refuses %j naming %s', async (body, field) => {
    const { app } = await setUp();
    const response = await app.request(base, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toContain(field);
  });
});

describe('two instances side by side', () => {
  it('run different modes on two ports', async () => {
    const common = { settings: { jwtSecret: secret, tokenDelayMs: 0 }, onWarning: () => {} };
    const development = await startServer(
      withTestLog({ ...common, env: { ENVIRONMENT: 'development' } }),
    );
    const standard = await startServer(
      withTestLog({ ...common, env: { ENVIRONMENT: 'production' } }),
    );
    try {
      const headers = {
        'x-inkeep-tenant-id': 'default',
        'x-inkeep-project-id': 'default',
        'x-inkeep-agent-id': 'agent_demo',
      };
      const ask = (url: string) =>
        fetch(`${url}/run/v1/chat/completions`, { method: 'POST', headers, body: chatBody });
      expect((await ask(development.url)).status).toBe(200);
      expect((await ask(standard.url)).status).toBe(401);
    } finally {
      await development.close();
      await standard.close();
    }
  });
});
