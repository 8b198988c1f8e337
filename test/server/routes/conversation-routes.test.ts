import { describe, expect, it } from 'vitest';
import { createEchoResponder } from '../../../src/server/index.ts';
import { createTestApp, demoOrigin, getToken, requestChat } from '../helpers.ts';

type TestApp = ReturnType<typeof createTestApp>;

interface ListBody {
  data: { id: string; updatedAt: string }[];
  pagination: { page: number; limit: number; total: number; pages: number; next: string | null };
}

interface ConversationBody {
  data: { id: string; messages: { id: string; content: string }[] };
  pagination: { limit: number; hasMore: boolean; before: string | null };
}

const user = (content: string) => ({ role: 'user' as const, content });

/** The conversation owner a session token stands for. */
function ownerOf(token: string) {
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    sub: string;
    app: string;
  };
  return { sub: claims.sub, appId: claims.app };
}

const get = (app: TestApp, path: string, token: string, method = 'GET') =>
  app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      origin: demoOrigin,
      'x-inkeep-app-id': 'app_demo',
    },
  });

async function chat(app: TestApp, token: string, content: string, conversationId?: string) {
  const response = await requestChat(app, token, {
    messages: [{ role: 'user', content }],
    stream: false,
    ...(conversationId ? { conversationId } : {}),
  });
  expect(response.status).toBe(200);
  return response.headers.get('x-inkeep-conversation-id') ?? '';
}

describe('conversations', () => {
  it('stores a conversation titled by its first user message, and continues it', async () => {
    const app = createTestApp({ responder: createEchoResponder() });
    const token = await getToken(app);
    const id = await chat(app, token, '  How do I\n embed the widget?  ');
    expect(await chat(app, token, 'And style it?', id)).toBe(id);
    const response = await get(app, `/run/v1/conversations/${id}`, token);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as {
      data: {
        id: string;
        title: string;
        messages: { role: string; content: string; parts: unknown[] }[];
      };
    };
    expect(data.id).toBe(id);
    expect(data.title).toBe('How do I embed the widget?');
    expect(data.messages.map((message) => [message.role, message.content])).toEqual([
      ['user', '  How do I\n embed the widget?  '],
      ['assistant', '  How do I\n embed the widget?  '],
      ['user', 'And style it?'],
      ['assistant', 'And style it?'],
    ]);
    expect(data.messages[2]?.parts).toEqual([{ type: 'text', text: 'And style it?' }]);
  });

  it('answers from the whole stored history when continuing', async () => {
    const seen: number[] = [];
    const app = createTestApp({
      responder: {
        model: 'count',
        async *respond({ messages }) {
          seen.push(messages.length);
          yield 'ok';
        },
      },
    });
    const token = await getToken(app);
    const id = await chat(app, token, 'one');
    await chat(app, token, 'two', id);
    expect(seen).toEqual([1, 3]);
  });

  it('lists the visitor’s conversations, newest first, with pagination', async () => {
    let now = Date.UTC(2026, 0, 1);
    const app = createTestApp({ responder: createEchoResponder(), now: () => (now += 1000) });
    const token = await getToken(app);
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) ids.push(await chat(app, token, `question ${index}`));
    const page = await get(app, '/run/v1/conversations?page=2&limit=2', token);
    const body = (await page.json()) as {
      data: { id: string; title: string; updatedAt: string }[];
      pagination: unknown;
    };
    expect(body.pagination).toEqual({
      page: 2,
      limit: 2,
      total: 5,
      pages: 3,
      next: `${body.data[1]?.updatedAt},${ids[1]}`,
    });
    expect(body.data.map((item) => item.id)).toEqual([ids[2], ids[1]]);
    expect(Object.keys(body.data[0] ?? {})).toEqual(['id', 'title', 'createdAt', 'updatedAt']);
    const defaults = (await (await get(app, '/run/v1/conversations', token)).json()) as {
      pagination: { limit: number };
    };
    expect(defaults.pagination.limit).toBe(20);
  });

  it('hides another visitor’s conversations (404) and deletes with 204', async () => {
    const app = createTestApp({ responder: createEchoResponder() });
    const alice = await getToken(app);
    const bob = await getToken(app);
    const id = await chat(app, alice, 'private question');
    expect((await get(app, `/run/v1/conversations/${id}`, bob)).status).toBe(404);
    expect((await get(app, `/run/v1/conversations/${id}`, bob, 'DELETE')).status).toBe(404);
    const continued = await requestChat(app, bob, {
      messages: [{ role: 'user', content: 'mine now?' }],
      conversationId: id,
    });
    expect(continued.status).toBe(404);
    expect(await continued.json()).toMatchObject({ code: 'not_found' });
    const list = (await (await get(app, '/run/v1/conversations', bob)).json()) as {
      data: unknown[];
    };
    expect(list.data).toEqual([]);
    expect((await get(app, `/run/v1/conversations/${id}`, alice, 'DELETE')).status).toBe(204);
    expect((await get(app, `/run/v1/conversations/${id}`, alice)).status).toBe(404);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['page=0', 'page'],
    ['page=abc', 'page'],
    ['limit=1.5', 'limit'],
    // Deep pages are reached by cursor: a page may skip at most 1000 conversations.
    ['page=52', 'page'],
    ['page=7&limit=200', 'page'],
    ['before=conv_1', 'before'],
    ['before=yesterday,conv_1', 'before'],
  ])('rejects %s with 400 naming the field', async (query, field) => {
    const app = createTestApp();
    const token = await getToken(app);
    const response = await get(app, `/run/v1/conversations?${query}`, token);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; detail: string };
    expect(body.code).toBe('bad_request');
    expect(body.detail.startsWith(`${field} `)).toBe(true);
  });

  it('pages the list by cursor past the deepest page', async () => {
    let now = Date.UTC(2026, 0, 1);
    const app = createTestApp({ now: () => (now += 1000) });
    const token = await getToken(app);
    const owner = ownerOf(token);
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push((await app.context.conversations.start(owner, `${index}`, [user('hi')])).id);
    }
    const seen: string[] = [];
    let path = '/run/v1/conversations?limit=2';
    for (;;) {
      const body = (await (await get(app, path, token)).json()) as ListBody;
      seen.push(...body.data.map((item) => item.id));
      expect(body.pagination).toMatchObject({ page: 1, limit: 2, total: 5, pages: 3 });
      if (body.pagination.next === null) break;
      path = `/run/v1/conversations?limit=2&before=${encodeURIComponent(body.pagination.next)}`;
    }
    expect(seen).toEqual(ids.reverse());
    expect((await get(app, '/run/v1/conversations?page=51', token)).status).toBe(200);
    expect((await get(app, '/run/v1/conversations?page=6&limit=200', token)).status).toBe(200);
  });

  it('accepts limit=200', async () => {
    const app = createTestApp();
    const token = await getToken(app);
    expect((await get(app, '/run/v1/conversations?limit=200', token)).status).toBe(200);
  });

  it('keeps the part of an answer streamed before the client stopped', async () => {
    const app = createTestApp({
      responder: {
        model: 'slow',
        async *respond({ signal }) {
          for (let index = 0; index < 500 && !signal.aborted; index++) {
            yield `${index} `;
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
        },
      },
    });
    const token = await getToken(app);
    const response = await requestChat(app, token, {
      messages: [{ role: 'user', content: 'go' }],
      stream: true,
    });
    const id = response.headers.get('x-inkeep-conversation-id');
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    type Stored = { data: { messages: { role: string; content: string }[] } };
    const stored = async () =>
      ((await (await get(app, `/run/v1/conversations/${id}`, token)).json()) as Stored).data;
    await expect
      .poll(async () => (await stored()).messages.map((message) => message.role))
      .toEqual(['user', 'assistant']);
    const { messages } = await stored();
    expect(messages[1]?.content).toMatch(/^0 1 /);
    expect(messages[1]?.content.length).toBeLessThan(500);
  });
});

describe('a conversation read in pages', () => {
  async function setUp(count: number) {
    const app = createTestApp();
    const token = await getToken(app);
    const messages = Array.from({ length: count }, (_, index) => user(`${index + 1}`));
    const { id } = await app.context.conversations.start(ownerOf(token), 'Long', messages);
    const read = async (query = '') => {
      const response = await get(app, `/run/v1/conversations/${id}${query}`, token);
      expect(response.status).toBe(200);
      const body = (await response.json()) as ConversationBody;
      return { ...body, contents: body.data.messages.map((message) => Number(message.content)) };
    };
    return { app, token, id, read };
  }
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, index) => from + index);

  it('answers the latest 50 by default, then the ones before, oldest first', async () => {
    const { read } = await setUp(120);
    const latest = await read();
    expect(latest.contents).toEqual(range(71, 120));
    expect(latest.pagination).toEqual({
      limit: 50,
      hasMore: true,
      before: latest.data.messages[0]?.id,
    });
    const middle = await read(`?before=${latest.pagination.before}`);
    expect(middle.contents).toEqual(range(21, 70));
    const oldest = await read(`?before=${middle.pagination.before}`);
    expect(oldest.contents).toEqual(range(1, 20));
    expect(oldest.pagination).toEqual({ limit: 50, hasMore: false, before: null });
    // Before the very first message there is nothing.
    const none = await read(`?before=${oldest.data.messages[0]?.id}`);
    expect(none.contents).toEqual([]);
    expect(none.pagination).toEqual({ limit: 50, hasMore: false, before: null });
    expect((await read('?limit=200')).contents).toEqual(range(1, 120));
  });

  it('says no more when the pages divide the conversation exactly', async () => {
    const { read } = await setUp(6);
    const latest = await read('?limit=3');
    expect([latest.contents, latest.pagination.hasMore]).toEqual([[4, 5, 6], true]);
    const earlier = await read(`?limit=3&before=${latest.pagination.before}`);
    expect([earlier.contents, earlier.pagination]).toEqual([
      [1, 2, 3],
      { limit: 3, hasMore: false, before: null },
    ]);
    expect((await read('?limit=6')).pagination.hasMore).toBe(false);
  });

  it('an empty conversation is one empty page', async () => {
    const { read } = await setUp(0);
    const page = await read();
    expect([page.contents, page.pagination]).toEqual([
      [],
      { limit: 50, hasMore: false, before: null },
    ]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
    ['before=', 'before'],
    ['before=msg_unknown', 'before'],
  ])('rejects %s with 400 naming the field', async (query, field) => {
    const { app, token, id } = await setUp(3);
    const response = await get(app, `/run/v1/conversations/${id}?${query}`, token);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; detail: string };
    expect(body.code).toBe('bad_request');
    expect(body.detail.startsWith(`${field} `)).toBe(true);
  });

  it('a message of another conversation is a bad before; another visitor’s or a deleted conversation is not found', async () => {
    const { app, token, id, read } = await setUp(3);
    const other = await app.context.conversations.start(ownerOf(token), 'Other', [user('x')]);
    const [foreign] =
      (await app.context.conversations.get(other.id, ownerOf(token)))?.messages ?? [];
    const mixed = await get(app, `/run/v1/conversations/${id}?before=${foreign?.id}`, token);
    expect(mixed.status).toBe(400);
    const before = (await read()).data.messages[2]?.id;
    const stranger = await getToken(app);
    for (const query of ['', `?before=${before}`, '?limit=0']) {
      const response = await get(app, `/run/v1/conversations/${id}${query}`, stranger);
      expect(response.status, query).toBe(query === '?limit=0' ? 400 : 404);
    }
    expect((await get(app, `/run/v1/conversations/${id}`, token, 'DELETE')).status).toBe(204);
    const gone = await get(app, `/run/v1/conversations/${id}?before=${before}`, token);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: 'not_found' });
  });

  it('costs one statement a page, however long the conversation', async () => {
    const { app, read } = await setUp(1000);
    const statements = app.context.stores.statements;
    const latest = await read('?limit=20');
    expect(app.context.stores.statements - statements).toBe(1);
    expect(latest.contents).toEqual(range(981, 1000));
  });
});
