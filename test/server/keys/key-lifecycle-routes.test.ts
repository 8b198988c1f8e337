// The manage API's key lifecycle: read one key, change it (name, IPs, rate limit, expiry, alert
// threshold), key types and their rules (temporary: within 24 h; personal: its creator only).
import { describe, expect, it } from 'vitest';
import { createTestApp, keyInput } from '../helpers.ts';
import { createTestStores } from '../test-database.ts';

const base = '/manage/tenants/default/projects/default/api-keys';
const envAdmin = 'env-admin-key-0123456789-0123456789abcdef';
const envManage = 'env-manage-key-0123456789-0123456789abcdef';
const bypassSecret = 'bypass-secret-bypass-secret-bypass-0123';
// The bypass secret names its scope in headers, as on every route.
const bypassHeaders = {
  authorization: `Bearer ${bypassSecret}`,
  'x-inkeep-tenant-id': 'default',
  'x-inkeep-project-id': 'default',
  'x-inkeep-agent-id': 'agent_demo',
};
const start = Date.UTC(2026, 0, 1);
const hours = (count: number) => count * 3600 * 1000;

async function setUp() {
  const clock = { now: start };
  const now = () => clock.now;
  const stores = await createTestStores({ now });
  const app = createTestApp({
    stores,
    now,
    env: {
      ENVIRONMENT: 'production',
      ADMIN_API_KEY: envAdmin,
      INKEEP_ADMIN_API_KEY: envManage,
      INKEEP_AGENTS_RUN_API_BYPASS_SECRET: bypassSecret,
    },
  });
  const as = (credential: string) => ({
    create: (body: Record<string, unknown>) =>
      app.request(base, {
        method: 'POST',
        headers: { 'x-api-key': credential, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    list: () => app.request(base, { headers: { 'x-api-key': credential } }),
    get: (id: string) => app.request(`${base}/${id}`, { headers: { 'x-api-key': credential } }),
    usage: (id: string) =>
      app.request(`${base}/${id}/usage`, { headers: { 'x-api-key': credential } }),
    revoke: (id: string) =>
      app.request(`${base}/${id}`, { method: 'DELETE', headers: { 'x-api-key': credential } }),
    patch: (id: string, body: unknown) =>
      app.request(`${base}/${id}`, {
        method: 'PATCH',
        headers: { 'x-api-key': credential, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  });
  return { app, apiKeys: Promise.resolve(stores.apiKeys), clock, as };
}

interface KeyData {
  id: string;
  name: string;
  type: string;
  createdBy: string | null;
  expiresAt: string | null;
  allowedIps: string[];
  rateLimit: number | null;
  alertThreshold: number | null;
  alertedAt: string | null;
}

const dataOf = async (response: Response) => ((await response.json()) as { data: KeyData }).data;

const chat = (app: ReturnType<typeof createTestApp>, key: string, ip: string) =>
  app.request(
    '/run/v1/chat/completions',
    {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    },
    { incoming: { socket: { remoteAddress: ip } } },
  );

describe('GET and PATCH /manage/…/api-keys/{id}', () => {
  it('shows everything but the secret, and records the type and the creating identity', async () => {
    const { as } = await setUp();
    const created = await as(envAdmin).create({ name: 'ci', scopes: ['chat'], signed: true });
    const { key, signingSecret, data } = (await created.json()) as {
      key: string;
      signingSecret: string;
      data: KeyData;
    };
    expect(data).toMatchObject({ type: 'service', createdBy: 'env:admin', alertThreshold: null });
    const shown = await as(envAdmin).get(data.id);
    expect(shown.status).toBe(200);
    const text = await shown.text();
    expect(text).not.toContain(key.split('.')[1]);
    expect(text).not.toContain(signingSecret);
    expect(text).not.toContain('scrypt');
    expect(JSON.parse(text)).toMatchObject({
      data: { id: data.id, name: 'ci', signed: true, type: 'service', alertedAt: null },
    });
    expect((await as(envAdmin).get('nokey12345')).status).toBe(404);
  });

  it('changes name, IPs, rate limit, expiry and threshold, and requests see it at once', async () => {
    const { app, as } = await setUp();
    const created = await as(envAdmin).create({
      name: 'backend',
      scopes: ['chat'],
      allowedIps: ['10.0.0.1'],
    });
    const { key, data } = (await created.json()) as { key: string; data: KeyData };
    expect((await chat(app, key, '10.0.0.2')).status).toBe(403);

    const added = await as(envAdmin).patch(data.id, { addIps: ['10.0.0.2', '10.0.0.1'] });
    expect(added.status).toBe(200);
    expect((await dataOf(added)).allowedIps).toEqual(['10.0.0.1', '10.0.0.2']);
    expect((await chat(app, key, '10.0.0.2')).status).toBe(200);

    const removed = await as(envAdmin).patch(data.id, { removeIps: ['10.0.0.1'] });
    expect((await dataOf(removed)).allowedIps).toEqual(['10.0.0.2']);
    expect((await chat(app, key, '10.0.0.1')).status).toBe(403);

    const changed = await as(envAdmin).patch(data.id, {
      name: '  renamed  ',
      rateLimit: 50,
      expiresIn: '7d',
      alertThreshold: 80,
    });
    expect(changed.status).toBe(200);
    expect(await dataOf(changed)).toMatchObject({
      name: 'renamed',
      rateLimit: 50,
      expiresAt: new Date(start + hours(24 * 7)).toISOString(),
      alertThreshold: 80,
    });
    const response = await chat(app, key, '10.0.0.2');
    expect(response.headers.get('x-ratelimit-limit')).toBe('50');

    const cleared = await as(envAdmin).patch(data.id, {
      rateLimit: null,
      expiresAt: null,
      alertThreshold: null,
      allowedIps: [],
    });
    expect(await dataOf(cleared)).toMatchObject({
      rateLimit: null,
      expiresAt: null,
      alertThreshold: null,
      allowedIps: [],
    });
    expect((await chat(app, key, '192.0.2.9')).status).toBe(200);
  });

  it('refuses bad changes with 400 naming the field, and keeps the key as it was', async () => {
    const { as } = await setUp();
    const { data } = (await (
      await as(envAdmin).create({ name: 'ops', scopes: ['chat'], allowedIps: ['10.0.0.1'] })
    ).json()) as { data: KeyData };
    const refusals: [unknown, string][] = [
      [{}, 'body must change at least one of'],
      [{ allowedIps: ['10.0.0.2'], addIps: ['10.0.0.3'] }, 'allowedIps replaces the list'],
      [{ addIps: ['not-an-ip'] }, 'addIps "not-an-ip" is not an IP address'],
      [{ removeIps: ['10.9.9.9'] }, 'removeIps entry "10.9.9.9" is not on'],
      [{ removeIps: ['10.0.0.1'] }, 'removeIps would leave no entry'],
      [{ alertThreshold: 0 }, 'alertThreshold must be an integer percent from 1 to 100'],
      [{ alertThreshold: 101 }, 'alertThreshold must be an integer percent'],
      [{ rateLimit: 0 }, 'rateLimit must be an integer from 1'],
      [{ expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt must be a date-time in the future'],
      [{ expiresIn: 'soon' }, 'expiresIn must look like 30d'],
      [{ name: ' ' }, 'name must be a non-empty string'],
      [[], 'body must be an object'],
    ];
    for (const [body, detail] of refusals) {
      const response = await as(envAdmin).patch(data.id, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem.code).toBe('bad_request');
      expect(problem.detail, JSON.stringify(body)).toContain(detail);
    }
    expect(await dataOf(await as(envAdmin).get(data.id))).toMatchObject({
      name: 'ops',
      allowedIps: ['10.0.0.1'],
      alertThreshold: null,
    });
    expect((await as(envAdmin).patch('nokey12345', { name: 'x' })).status).toBe(404);
  });

  it('refuses any change to a revoked key with 409 key_revoked, and keeps it as revoked', async () => {
    const { as } = await setUp();
    const { data } = (await (
      await as(envAdmin).create({ name: 'old', scopes: ['chat'], expiresIn: '30d' })
    ).json()) as { data: KeyData };
    expect((await as(envAdmin).revoke(data.id)).status).toBe(204);
    const revoked = await dataOf(await as(envAdmin).get(data.id));
    for (const body of [{ name: 'again' }, { expiresAt: null }, { alertThreshold: 80 }]) {
      const response = await as(envAdmin).patch(data.id, body);
      expect(response.status, JSON.stringify(body)).toBe(409);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({
        code: 'key_revoked',
        detail: 'API key is revoked: it can no longer be changed',
      });
    }
    expect(await dataOf(await as(envAdmin).get(data.id))).toEqual(revoked);
  });

  it('holds a stored manage key’s changes to its own bounds (403 naming the field)', async () => {
    const { as } = await setUp();
    const manager = (await (
      await as(envAdmin).create({ name: 'ops', scopes: ['manage', 'chat'], rateLimit: 100 })
    ).json()) as { key: string };
    const { data } = (await (
      await as(envAdmin).create({ name: 'worker', scopes: ['chat'] })
    ).json()) as {
      data: KeyData;
    };
    const wider = await as(manager.key).patch(data.id, { rateLimit: 500 });
    expect(wider.status).toBe(403);
    expect(await wider.json()).toMatchObject({
      code: 'forbidden',
      detail: expect.stringMatching(/^rateLimit /),
    });
    expect((await as(manager.key).patch(data.id, { rateLimit: 100, name: 'w' })).status).toBe(200);
  });

  it('lets a stored manage key change only keys within its scopes and agent (403 otherwise)', async () => {
    const { app, as } = await setUp();
    // A manage-only key with no IP list and no expiry of its own…
    const manager = (await (
      await as(envAdmin).create({ name: 'ops', scopes: ['manage'] })
    ).json()) as { key: string };
    const locked = (await (
      await as(envAdmin).create({
        name: 'backend',
        scopes: ['chat', 'read'],
        allowedIps: ['10.0.0.1'],
      })
    ).json()) as { key: string; data: KeyData };
    // …may not open up a chat,read key it could not have created.
    for (const body of [{ allowedIps: [], expiresAt: null }, { name: 'renamed' }]) {
      const refused = await as(manager.key).patch(locked.data.id, body);
      expect(refused.status, JSON.stringify(body)).toBe(403);
      expect(await refused.json()).toMatchObject({
        code: 'forbidden',
        detail:
          'scopes of the key include chat, read, which this key does not have: it may not change the key',
      });
    }
    expect((await chat(app, locked.key, '192.0.2.9')).status).toBe(403);
    expect(await dataOf(await as(envAdmin).get(locked.data.id))).toMatchObject({
      name: 'backend',
      allowedIps: ['10.0.0.1'],
    });

    const agentManager = (await (
      await as(envAdmin).create({
        name: 'agent ops',
        scopes: ['manage', 'chat'],
        agentId: 'agent_a',
      })
    ).json()) as { key: string };
    const other = (await (
      await as(envAdmin).create({ name: 'b', scopes: ['chat'], agentId: 'agent_b' })
    ).json()) as { data: KeyData };
    const any = (await (await as(envAdmin).create({ name: 'any', scopes: ['chat'] })).json()) as {
      data: KeyData;
    };
    for (const id of [other.data.id, any.data.id]) {
      const refused = await as(agentManager.key).patch(id, { name: 'x' });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        code: 'forbidden',
        detail: expect.stringMatching(
          /^agentId of the key must be this key's own agent \(agent_a\)/,
        ),
      });
    }
    const same = (await (
      await as(agentManager.key).create({ name: 'a', scopes: ['chat'] })
    ).json()) as { data: KeyData };
    expect((await as(agentManager.key).patch(same.data.id, { name: 'a2' })).status).toBe(200);
  });

  it('holds a manage key without a rate limit to the server default API_RATE_LIMIT', async () => {
    const { as } = await setUp();
    const manager = (await (
      await as(envAdmin).create({ name: 'ops', scopes: ['manage', 'chat'] })
    ).json()) as { key: string };
    const refusedCreate = await as(manager.key).create({
      name: 'fast',
      scopes: ['chat'],
      rateLimit: 601,
    });
    expect(refusedCreate.status).toBe(403);
    expect(await refusedCreate.json()).toMatchObject({
      code: 'forbidden',
      detail: "rateLimit must be at most this key's own (the server default, 600)",
    });
    const made = await as(manager.key).create({ name: 'ok', scopes: ['chat'], rateLimit: 600 });
    expect(made.status).toBe(201);
    const { data } = (await made.json()) as { data: KeyData };
    const refusedPatch = await as(manager.key).patch(data.id, { rateLimit: 601 });
    expect(refusedPatch.status).toBe(403);
    expect(await refusedPatch.json()).toMatchObject({
      code: 'forbidden',
      detail: "rateLimit must be at most this key's own (the server default, 600)",
    });
    expect((await as(manager.key).patch(data.id, { rateLimit: null })).status).toBe(200);
    // The environment's admin key is not bounded.
    expect((await as(envAdmin).patch(data.id, { rateLimit: 5000 })).status).toBe(200);
  });

  it('is declared in /openapi.json', async () => {
    const { app } = await setUp();
    const spec = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    const path = spec.paths['/manage/tenants/{tenantId}/projects/{projectId}/api-keys/{id}'];
    expect(path?.get).toBeDefined();
    expect(path?.patch?.requestBody).toBeDefined();
    expect(JSON.stringify(spec)).toContain('temporary_key_expiry');
  });
});

describe('key types', () => {
  it('temporary: expires within 24 h of creation (24 h by default), on create and on update', async () => {
    const { as } = await setUp();
    const made = await as(envAdmin).create({ name: 'tmp', scopes: ['chat'], type: 'temporary' });
    expect(made.status).toBe(201);
    const { data } = (await made.json()) as { data: KeyData };
    expect(data).toMatchObject({
      type: 'temporary',
      expiresAt: new Date(start + hours(24)).toISOString(),
    });

    for (const body of [
      { expiresIn: '2d' },
      { expiresAt: new Date(start + hours(25)).toISOString() },
    ]) {
      const refused = await as(envAdmin).create({
        name: 't',
        scopes: ['chat'],
        type: 'temporary',
        ...body,
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        status: 400,
        code: 'temporary_key_expiry',
        error: { code: 'temporary_key_expiry' },
      });
    }
    const short = await as(envAdmin).create({
      name: 't',
      scopes: ['chat'],
      type: 'temporary',
      expiresIn: '2h',
    });
    expect((await dataOf(short)).expiresAt).toBe(new Date(start + hours(2)).toISOString());

    for (const body of [{ expiresAt: null }, { expiresIn: '25h' }]) {
      const refused = await as(envAdmin).patch(data.id, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(((await refused.json()) as { code: string }).code).toBe('temporary_key_expiry');
    }
    expect((await as(envAdmin).patch(data.id, { expiresIn: '1h' })).status).toBe(200);
    const unknown = await as(envAdmin).create({ name: 't', scopes: ['chat'], type: 'forever' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { detail: string }).detail).toContain('type must be one of');
  });

  it('personal: seen and changed only by the identity that created it; others get 404', async () => {
    const { as, apiKeys } = await setUp();
    const manager = (await (
      await as(envAdmin).create({ name: 'ops', scopes: ['manage', 'chat'] })
    ).json()) as { key: string; data: KeyData };
    const mine = (await (
      await as(manager.key).create({ name: 'mine', scopes: ['chat'], type: 'personal' })
    ).json()) as { data: KeyData };
    expect(mine.data).toMatchObject({ type: 'personal', createdBy: `key:${manager.data.id}` });
    const admins = (await (
      await as(envAdmin).create({ name: 'admins', scopes: ['chat'], type: 'personal' })
    ).json()) as { data: KeyData };
    expect(admins.data.createdBy).toBe('env:admin');

    const names = async (credential: string) =>
      ((await (await as(credential).list()).json()) as { data: KeyData[] }).data
        .map((key) => key.name)
        .sort();
    expect(await names(manager.key)).toEqual(['mine', 'ops']);
    expect(await names(envManage)).toEqual(['ops']);

    for (const [credential, id] of [
      [manager.key, admins.data.id],
      [envManage, mine.data.id],
      [envManage, admins.data.id],
    ] as const) {
      for (const response of [
        await as(credential).get(id),
        await as(credential).patch(id, { name: 'taken' }),
        await as(credential).usage(id),
        await as(credential).revoke(id),
      ]) {
        expect(response.status).toBe(404);
        expect(await response.json()).toMatchObject({
          code: 'not_found',
          detail: 'API key not found',
        });
      }
    }
    expect((await as(manager.key).patch(mine.data.id, { name: 'still mine' })).status).toBe(200);
    expect((await as(envAdmin).get(admins.data.id)).status).toBe(200);
    const store = await apiKeys;
    expect((await store.get(mine.data.id))?.name).toBe('still mine');
    expect((await store.get(admins.data.id))?.revokedAt).toBeNull();
  });

  it('personal: the environment admin key and the bypass secret list, read and revoke every key', async () => {
    const { app, as, apiKeys } = await setUp();
    const manager = (await (
      await as(envAdmin).create({ name: 'ops', scopes: ['manage', 'chat'] })
    ).json()) as { key: string; data: KeyData };
    const made = async (name: string) =>
      (
        (await (
          await as(manager.key).create({ name, scopes: ['chat'], type: 'personal' })
        ).json()) as { key: string; data: KeyData }
      ).data;
    const leaked = await made('leaked');
    const other = await made('other');
    const names = async (credential: string) =>
      ((await (await as(credential).list()).json()) as { data: KeyData[] }).data
        .map((key) => key.name)
        .sort();
    expect(await names(envAdmin)).toEqual(['leaked', 'ops', 'other']);
    expect(await dataOf(await as(envAdmin).get(leaked.id))).toMatchObject({
      name: 'leaked',
      type: 'personal',
      createdBy: `key:${manager.data.id}`,
    });
    expect((await as(envAdmin).usage(leaked.id)).status).toBe(200);
    expect((await as(envAdmin).revoke(leaked.id)).status).toBe(204);
    const store = await apiKeys;
    expect((await store.get(leaked.id))?.revokedAt).not.toBeNull();

    // The bypass secret, too.
    const listed = await app.request(base, { headers: bypassHeaders });
    expect(
      ((await listed.json()) as { data: KeyData[] }).data.map((key) => key.name).sort(),
    ).toEqual(['leaked', 'ops', 'other']);
    expect((await app.request(`${base}/${other.id}`, { headers: bypassHeaders })).status).toBe(200);
    const revoked = await app.request(`${base}/${other.id}`, {
      method: 'DELETE',
      headers: bypassHeaders,
    });
    expect(revoked.status).toBe(204);
    expect((await store.get(other.id))?.revokedAt).not.toBeNull();
  });

  it('stores the type, creator and threshold through the store (default service, no creator)', async () => {
    const { apiKeys } = await setUp();
    const store = await apiKeys;
    const { record } = await store.create(keyInput());
    expect(record).toMatchObject({
      type: 'service',
      createdBy: null,
      alertThreshold: null,
      alertedAt: null,
    });
    const updated = await store.update(record.id, { alertThreshold: 50 });
    expect(updated?.alertThreshold).toBe(50);
    await store.markAlerted(record.id, new Date(start).toISOString());
    expect((await store.get(record.id))?.alertedAt).toBe(new Date(start).toISOString());
    // A new threshold (or rate limit) clears the mark, which belonged to the old one.
    expect((await store.update(record.id, { alertThreshold: 90 }))?.alertedAt).toBeNull();
    expect(await store.update('missing', { name: 'x' })).toBeUndefined();
  });
});
