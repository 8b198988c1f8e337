import { describe, expect, it } from 'vitest';
import { createTestApp, requestSession } from '../helpers.ts';

const adminKey = 'admin-key-admin-key-admin-key-0123456';
const base = '/manage/tenants/default/projects/default/apps';

function manage(
  app: ReturnType<typeof createTestApp>,
  path: string,
  method = 'GET',
  body?: unknown,
  key = adminKey,
) {
  return app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('manage API', () => {
  const app = () => createTestApp({ env: { INKEEP_ADMIN_API_KEY: adminKey } });

  it('needs the admin credential', async () => {
    const server = app();
    const none = await server.request(base);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'unauthorized' });
    expect((await manage(server, base, 'GET', undefined, `${adminKey}x`)).status).toBe(401);
    const disabled = createTestApp();
    expect((await manage(disabled, base)).status).toBe(401);
  });

  it('lists, creates, reads, patches and deletes apps', async () => {
    const server = app();
    const list = (await (await manage(server, base)).json()) as { data: { id: string }[] };
    expect(list.data.map((item) => item.id)).toContain('app_demo');
    const created = await manage(server, base, 'POST', {
      name: 'Docs',
      defaultAgentId: 'agent_docs',
      config: { webClient: { allowedDomains: ['docs.test'] } },
    });
    expect(created.status).toBe(201);
    const { data } = (await created.json()) as {
      data: { id: string; config: { webClient: unknown } };
    };
    expect(data.id).toMatch(/^app_/);
    expect(data.config.webClient).toEqual({ allowedDomains: ['docs.test'], allowAnonymous: true });
    expect(
      (await requestSession(server, { appId: data.id, origin: 'https://docs.test' })).status,
    ).toBe(200);

    const patched = await manage(server, `${base}/${data.id}`, 'PATCH', {
      config: { webClient: { allowAnonymous: false } },
    });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { data: { config: unknown } }).data.config).toEqual({
      webClient: { allowedDomains: ['docs.test'], allowAnonymous: false },
    });
    expect(
      (await requestSession(server, { appId: data.id, origin: 'https://docs.test' })).status,
    ).toBe(401);
    expect((await manage(server, `${base}/${data.id}`)).status).toBe(200);
    expect((await manage(server, `${base}/${data.id}`, 'DELETE')).status).toBe(204);
    expect((await manage(server, `${base}/${data.id}`)).status).toBe(404);
    expect(
      (await requestSession(server, { appId: data.id, origin: 'https://docs.test' })).status,
    ).toBe(404);
  });

  it('scopes apps to their tenant and project', async () => {
    const server = app();
    expect(
      (await manage(server, '/manage/tenants/other/projects/default/apps/app_demo')).status,
    ).toBe(404);
    const list = (await (
      await manage(server, '/manage/tenants/other/projects/default/apps')
    ).json()) as {
      data: unknown[];
    };
    expect(list.data).toEqual([]);
  });

  it.each([
    [{ id: 'bad id' }, 'id'],
    [{ id: 'app_demo' }, 'id'],
    [{ type: 'mobile' }, 'type'],
    [{ enabled: 'yes' }, 'enabled'],
    [{ config: { webClient: { allowedDomains: 'example.com' } } }, 'allowedDomains'],
    [{ config: { webClient: { allowedDomains: ['exa mple.com'] } } }, 'allowedDomains[0]'],
    [{ config: 'nope' }, 'config'],
  ])('refuses %j naming %s', async (body, field) => {
    const response = await manage(app(), base, 'POST', body);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; detail: string };
    expect(problem.code).toBe('bad_request');
    expect(problem.detail).toContain(field);
  });

  it('refuses a PATCH with a wrong type', async () => {
    const response = await manage(app(), `${base}/app_demo`, 'PATCH', { config: { webClient: 3 } });
    expect(response.status).toBe(400);
  });

  it('stores a system prompt from POST and PATCH, and clears it with null', async () => {
    const server = app();
    const created = await manage(server, base, 'POST', {
      name: 'Docs',
      config: { systemPrompt: 'Answer from the docs only.' },
    });
    expect(created.status).toBe(201);
    const { data } = (await created.json()) as { data: { id: string } };
    expect(await (await manage(server, `${base}/${data.id}`)).json()).toMatchObject({
      data: { config: { systemPrompt: 'Answer from the docs only.' } },
    });
    // A PATCH of another config field keeps the prompt; one of the prompt keeps the domains.
    await manage(server, `${base}/${data.id}`, 'PATCH', {
      config: { webClient: { allowedDomains: ['docs.test'] } },
    });
    const patched = await manage(server, `${base}/${data.id}`, 'PATCH', {
      config: { systemPrompt: 'Be brief.' },
    });
    expect(((await patched.json()) as { data: { config: unknown } }).data.config).toEqual({
      webClient: { allowedDomains: ['docs.test'], allowAnonymous: true },
      systemPrompt: 'Be brief.',
    });
    expect(server.context.apps.get(data.id)?.config.systemPrompt).toBe('Be brief.');
    const cleared = await manage(server, `${base}/${data.id}`, 'PATCH', {
      config: { systemPrompt: null },
    });
    expect(((await cleared.json()) as { data: { config: object } }).data.config).not.toHaveProperty(
      'systemPrompt',
    );
  });

  it('refuses a system prompt over 8000 characters naming the field', async () => {
    const response = await manage(app(), `${base}/app_demo`, 'PATCH', {
      config: { systemPrompt: 'x'.repeat(8001) },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'bad_request',
      detail: 'config.systemPrompt must be a string of at most 8000 characters',
    });
  });

  describe('POST …/apps/{id}/sessions/revoke', () => {
    const path = `${base}/app_demo/sessions/revoke`;
    const raw = (server: ReturnType<typeof createTestApp>, body: string, key = adminKey) =>
      server.request(path, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body,
      });

    it('revokes with no body, an empty object, a time or a visitor', async () => {
      const server = app();
      expect((await raw(server, '')).status).toBe(200);
      expect((await raw(server, '{}')).status).toBe(200);
      const at = new Date(Date.now() - 60_000).toISOString();
      expect((await manage(server, path, 'POST', { before: at })).status).toBe(200);
      const sub = 'anon_123e4567-e89b-42d3-a456-426614174000';
      const one = await manage(server, path, 'POST', { sub });
      expect(await one.json()).toMatchObject({ data: { appId: 'app_demo', sub } });
    });

    it.each([
      ['[]', 'Request body must be a JSON object'],
      ['{', 'Request body is not valid JSON'],
      ['{"before":"yesterday"}', 'before must be an ISO 8601 date-time'],
      ['{"before":1767225600000}', 'before must be an ISO 8601 date-time'],
      ['{"before":"2026-13-45T00:00:00Z"}', 'before must be an ISO 8601 date-time'],
      ['{"before":"9999-01-01T00:00:00Z"}', 'before must not be in the future'],
      ['{"sub":"someone"}', 'sub must be a visitor id (anon_<uuid>, or user_ and 32 hex digits)'],
      ['{"sub":42}', 'sub must be a visitor id (anon_<uuid>, or user_ and 32 hex digits)'],
    ])('refuses %s with 400', async (body, detail) => {
      const response = await raw(app(), body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'bad_request', detail });
    });

    it('answers 404 for an unknown app or one of another project, 401 without a key', async () => {
      const server = app();
      const unknown = await manage(server, `${base}/app_nope/sessions/revoke`, 'POST', {});
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'not_found', detail: 'App not found' });
      const elsewhere = await manage(
        server,
        '/manage/tenants/other/projects/default/apps/app_demo/sessions/revoke',
        'POST',
        {},
      );
      expect(elsewhere.status).toBe(404);
      expect((await raw(server, '{}', 'wrong-key-wrong-key-wrong-key-0123456')).status).toBe(401);
    });
  });
});
