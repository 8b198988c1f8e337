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
});
