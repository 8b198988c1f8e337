// An app's activity and conversation log for its owner (the manage API): what the session and
// chat routes count, the ranges, paging, 404s and 400s, and visitors only ever hashed.
import { describe, expect, it } from 'vitest';
import { createMemorySharedState, hashVisitor, type Responder } from '../../../src/server/index.ts';
import { createTestApp, getToken, requestChat, requestSession } from '../helpers.ts';
import { createTestStores } from '../test-database.ts';
import { requestUiChat, uiAsk } from '../ui-chat-helpers.ts';

const adminKey = 'admin-key-admin-key-admin-key-admin-key-0123';
const appPath = '/manage/tenants/default/projects/default/apps/app_demo';

function createApp() {
  let clock = Date.parse('2030-03-01T09:10:00Z');
  const now = () => clock;
  // The model "thinks" 250 ms (on the test clock) before its first words.
  const responder: Responder = {
    model: 'thinking',
    async *respond({ messages }) {
      clock += 250;
      yield `Answer to ${messages.at(-1)?.content ?? ''}`;
    },
  };
  const shared = createMemorySharedState({ now });
  return createTestApp({
    now,
    responder,
    shared,
    stores: createTestStores({ shared, now }),
    env: { INKEEP_ADMIN_API_KEY: adminKey },
  });
}
type App = ReturnType<typeof createApp>;

const manage = (app: App, path: string, key: string | null = adminKey) =>
  app.request(path, { headers: key ? { 'x-api-key': key } : {} });

const subOf = (token: string) =>
  (
    JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as {
      sub: string;
    }
  ).sub;

describe('the activity and conversation-log manage routes', () => {
  it('counts sessions and chats, served and refused by code, for apps that exist', async () => {
    const app = createApp();
    const token = await getToken(app);
    await getToken(app);
    expect((await requestSession(app, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await requestSession(app, { appId: 'app_private' })).status).toBe(401);
    expect((await requestSession(app, { appId: 'app_nope' })).status).toBe(404);
    const chat = await requestChat(app, token, {
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
    });
    await chat.text();
    const ui = await requestUiChat(app, token, uiAsk('Hi again'));
    await ui.text();
    expect((await requestChat(app, 'not-a-token', { messages: [] })).status).toBe(401);
    expect((await requestChat(app, token, { messages: 'nope' })).status).toBe(400);

    const response = await manage(app, `${appPath}/activity?range=24h`);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: Record<string, unknown> };
    expect(data).toMatchObject({
      appId: 'app_demo',
      range: '24h',
      bucket: 'hour',
      to: '2030-03-01T10:00:00.000Z',
      totals: { sessions: 2, sessionRefusals: 1, chats: 2, chatRefusals: 2 },
    });
    expect(data.refusals).toEqual(
      expect.arrayContaining([
        { kind: 'session', reason: 'origin_not_allowed', count: 1 },
        { kind: 'chat', reason: 'unauthorized', count: 1 },
        { kind: 'chat', reason: 'bad_request', count: 1 },
      ]),
    );
    expect((data.series as unknown[]).length).toBe(24);

    const other = await manage(
      app,
      '/manage/tenants/default/projects/default/apps/app_private/activity',
    );
    expect(((await other.json()) as { data: { refusals: unknown } }).data.refusals).toEqual([
      { kind: 'session', reason: 'anonymous_disabled', count: 1 },
    ]);
    const month = await manage(app, `${appPath}/activity?range=30d`);
    expect(await month.json()).toMatchObject({
      data: { bucket: 'day', totals: { sessions: 2, chats: 2 } },
    });
    // Unknown apps leave no trace.
    expect(app.context.stores.activity.pending).toBe(0);
  });

  it('refuses bad ranges, unknown apps and callers without the manage scope', async () => {
    const app = createApp();
    const bad = await manage(app, `${appPath}/activity?range=7d`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await bad.json()).toMatchObject({ code: 'bad_request' });
    expect((await manage(app, `${appPath}/activity?range=7d`, null)).status).toBe(401);
    expect((await manage(app, `${appPath}/activity`, 'wrong-key')).status).toBe(401);
    const unknown = await manage(
      app,
      '/manage/tenants/default/projects/default/apps/app_nope/activity',
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'not_found' });
    expect(
      (await manage(app, '/manage/tenants/other/projects/default/apps/app_demo/conversations'))
        .status,
    ).toBe(404);
    const token = await getToken(app);
    expect((await manage(app, `${appPath}/conversations`, token)).status).toBe(401);
  });

  it('pages through every visitor’s conversations and shows one with TTFT, visitors hashed', async () => {
    const app = createApp();
    const tokens = [await getToken(app), await getToken(app)];
    for (const [index, question] of ['One', 'Two', 'Three'].entries()) {
      const response = await requestChat(app, tokens[index % 2], {
        messages: [{ role: 'user', content: question }],
        stream: true,
      });
      await response.text();
    }
    const first = await manage(app, `${appPath}/conversations?limit=2`);
    expect(first.status).toBe(200);
    const page = (await first.json()) as {
      data: { id: string; title: string; visitor: string; messageCount: number }[];
      pagination: { limit: number; next: string | null };
    };
    expect(page.data.map((item) => item.title)).toEqual(['Three', 'Two']);
    expect(page.pagination).toMatchObject({ limit: 2, next: expect.any(String) });
    const second = await manage(
      app,
      `${appPath}/conversations?limit=2&cursor=${encodeURIComponent(page.pagination.next ?? '')}`,
    );
    const rest = (await second.json()) as typeof page;
    expect(rest.data.map((item) => item.title)).toEqual(['One']);
    expect(rest.pagination.next).toBeNull();

    const sub = subOf(tokens[0] as string);
    const hashed = hashVisitor(app.context.stores.visitorHashKey, 'app_demo', sub);
    expect(rest.data[0]).toMatchObject({ visitor: hashed, messageCount: 2 });

    const detail = await manage(app, `${appPath}/conversations/${rest.data[0]?.id}`);
    const text = await detail.text();
    expect(text).not.toContain(sub);
    expect(JSON.parse(text)).toMatchObject({
      data: {
        title: 'One',
        visitor: hashed,
        messages: [
          { role: 'user', content: 'One', timeToFirstTokenMs: null, feedback: null },
          { role: 'assistant', content: 'Answer to One', timeToFirstTokenMs: 250, feedback: null },
        ],
      },
    });
    expect(JSON.stringify(page)).not.toContain('anon_');
  });

  it('answers 400 for a bad limit or cursor and 404 for unknown conversations', async () => {
    const app = createApp();
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'cursor=nope']) {
      const response = await manage(app, `${appPath}/conversations?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'bad_request' });
    }
    for (const id of ['conv_00000000000000000000000000000000', 'not-a-conversation']) {
      const response = await manage(app, `${appPath}/conversations/${id}`);
      expect(response.status, id).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'not_found' });
    }
    // Another app's conversation is not this app's.
    const token = await getToken(app);
    const chat = await requestChat(app, token, {
      messages: [{ role: 'user', content: 'Mine' }],
      stream: false,
    });
    const id = chat.headers.get('x-inkeep-conversation-id');
    await chat.text();
    expect((await manage(app, `${appPath}/conversations/${id}`)).status).toBe(200);
    const elsewhere = '/manage/tenants/default/projects/default/apps/app_private/conversations';
    expect((await manage(app, `${elsewhere}/${id}`)).status).toBe(404);
  });

  it('are described in /openapi.json', async () => {
    const app = createApp();
    const spec = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, unknown>;
    };
    const base = '/manage/tenants/{tenantId}/projects/{projectId}/apps/{id}';
    for (const path of ['/activity', '/conversations', '/conversations/{conversationId}']) {
      expect(spec.paths).toHaveProperty([`${base}${path}`]);
    }
  });
});
