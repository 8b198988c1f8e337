import { describe, expect, it } from 'vitest';
import { createEchoResponder } from '../../../src/server/index.ts';
import { createTestApp, demoOrigin, getToken, requestChat } from '../helpers.ts';

type TestApp = ReturnType<typeof createTestApp>;

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
      data: { id: string; title: string }[];
      pagination: unknown;
    };
    expect(body.pagination).toEqual({ page: 2, limit: 2, total: 5, pages: 3 });
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

  it.each([['limit=0'], ['limit=201'], ['page=0'], ['page=abc'], ['limit=1.5']])(
    'rejects %s with 400',
    async (query) => {
      const app = createTestApp();
      const token = await getToken(app);
      const response = await get(app, `/run/v1/conversations?${query}`, token);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'bad_request' });
    },
  );

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
    await new Promise((resolve) => setTimeout(resolve, 30));
    const { data } = (await (await get(app, `/run/v1/conversations/${id}`, token)).json()) as {
      data: { messages: { role: string; content: string }[] };
    };
    expect(data.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(data.messages[1]?.content).toMatch(/^0 1 /);
    expect(data.messages[1]?.content.length).toBeLessThan(500);
  });
});
