import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createEchoResponder } from '../../../src/server/index.ts';
import {
  createTestApp,
  demoOrigin,
  getToken,
  requestChat,
  sseData,
  streamedText,
} from '../helpers.ts';
import { createTestStores } from '../test-database.ts';

const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: 'user', content }],
  stream: true,
  ...extra,
});

describe('POST /run/v1/chat/completions', () => {
  it('streams the scripted markdown reply in the contract SSE format', async () => {
    const app = createTestApp();
    const token = await getToken(app);
    const response = await requestChat(app, token, ask('How do I embed the widget?'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const conversationId = response.headers.get('x-inkeep-conversation-id');
    expect(conversationId).toMatch(/^conv_/);
    expect(response.headers.get('x-ratelimit-limit')).toBe('30');
    const answerId = response.headers.get('x-inkeep-message-id');
    const text = await response.text();
    const data = sseData(text);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line));
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: 'inkeep-scripted' });
      expect(Object.keys(chunk)).toEqual(['id', 'object', 'created', 'model', 'choices']);
    }
    expect(chunks.at(-1).choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    expect(chunks.length).toBeGreaterThan(20);
    const reply = streamedText(text);
    expect(reply).toContain('## About: How do I embed the widget?');
    expect(reply).toMatch(/^- /m);
    expect(reply).toContain('```ts');
    expect(reply).toMatch(/\[[^\]]+\]\(https:\/\//);
    expect(reply).toContain('| --- | --- |');
    // The answer is stored under the id the response named.
    const stored = await app.request(`/run/v1/conversations/${conversationId}`, {
      headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
    });
    const { data: conversation } = (await stored.json()) as {
      data: { messages: { id: string; role: string }[] };
    };
    expect(conversation.messages.at(-1)).toMatchObject({ id: answerId, role: 'assistant' });
  });

  it('is deterministic', async () => {
    const app = createTestApp();
    const token = await getToken(app);
    const one = streamedText(await (await requestChat(app, token, ask('same'))).text());
    const two = streamedText(await (await requestChat(app, token, ask('same'))).text());
    expect(one).toBe(two);
  });

  it('answers stream:false with one chat.completion object', async () => {
    const app = createTestApp({ responder: createEchoResponder() });
    const token = await getToken(app);
    const response = await requestChat(app, token, ask('echo me', { stream: false }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'echo me' }, finish_reason: 'stop' },
      ],
    });
  });

  it('echo streams the last user message verbatim in small chunks', async () => {
    const app = createTestApp({ settings: { responder: 'echo' } });
    const token = await getToken(app);
    const message = 'Hello 👋 wörld, this is a longer message split into chunks';
    const text = await (await requestChat(app, token, ask(message))).text();
    expect(streamedText(text)).toBe(message);
    expect(sseData(text).length).toBeGreaterThan(5);
  });

  it('accepts and ignores a challenge solution header', async () => {
    const app = createTestApp();
    const token = await getToken(app);
    const response = await requestChat(app, token, ask('hi', { stream: false }), {
      headers: { 'x-inkeep-challenge-solution': 'garbage' },
    });
    expect(response.status).toBe(200);
  });

  it.each([
    ['no token', undefined, {}, 401, 'unauthorized', 'Bearer token required'],
    ['bad token', 'abc.def.ghi', {}, 401, 'unauthorized', 'Invalid end-user JWT'],
  ])('%s → %i', async (_name, token, headers, status, code, detail) => {
    const app = createTestApp();
    const response = await requestChat(app, token, ask('hi'), { headers });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ code, detail });
  });

  it('refuses another agent, a missing app header and another origin', async () => {
    const app = createTestApp();
    const token = await getToken(app);
    const agent = await requestChat(app, token, ask('hi'), {
      headers: { 'x-inkeep-agent-id': 'agent_x' },
    });
    expect(agent.status).toBe(403);
    expect(await agent.json()).toMatchObject({ code: 'forbidden' });
    const same = await requestChat(app, token, ask('hi', { stream: false }), {
      headers: { 'x-inkeep-agent-id': 'agent_demo' },
    });
    expect(same.status).toBe(200);
    expect((await requestChat(app, token, ask('hi'), { appId: null })).status).toBe(401);
    const origin = await requestChat(app, token, ask('hi'), { origin: 'http://evil.test' });
    expect(origin.status).toBe(403);
    expect(await origin.json()).toMatchObject({ code: 'origin_not_allowed' });
  });

  it('refuses a new turn past a storage quota with quota_exceeded, deleting nothing', async () => {
    const stores = createTestStores({
      quotas: { visitorConversations: 1, visitorBytes: 100, appConversations: 0, appBytes: 0 },
    });
    const app = createTestApp({ stores, responder: createEchoResponder() });
    const token = await getToken(app);
    const first = await requestChat(app, token, { messages: [{ role: 'user', content: 'one' }] });
    const id = first.headers.get('x-inkeep-conversation-id');
    await first.text();
    const second = await requestChat(app, token, { messages: [{ role: 'user', content: 'two' }] });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeNull();
    expect(await second.json()).toMatchObject({
      code: 'quota_exceeded',
      detail: expect.stringMatching(/most conversations allowed/),
    });
    // The stored conversation is untouched; a too-long turn in it is refused by bytes.
    const long = await requestChat(app, token, {
      conversationId: id,
      messages: [{ role: 'user', content: 'x'.repeat(200) }],
    });
    expect(await long.json()).toMatchObject({
      code: 'quota_exceeded',
      detail: expect.stringMatching(/conversation text/),
    });
    const headers = { authorization: `Bearer ${token}`, origin: demoOrigin };
    const read = await app.request(`/run/v1/conversations/${id}`, { headers });
    expect(((await read.json()) as { data: { messages: unknown[] } }).data.messages).toHaveLength(
      2,
    );
    // Deleting frees the room.
    await app.request(`/run/v1/conversations/${id}`, { method: 'DELETE', headers });
    const third = await requestChat(app, token, { messages: [{ role: 'user', content: 'three' }] });
    expect(third.status).toBe(200);
    await third.text();
  });

  it('regenerate replaces the last answer instead of adding a turn', async () => {
    const heard: string[][] = [];
    let calls = 0;
    const app = createTestApp({
      responder: {
        model: 'counting',
        async *respond({ messages }) {
          heard.push(messages.map((message) => `${message.role}:${message.content}`));
          // The first answer is interrupted before any text: the question stays unanswered.
          if (calls++ > 0) yield `answer ${calls}`;
        },
      },
    });
    const token = await getToken(app);
    const headers = { authorization: `Bearer ${token}`, origin: demoOrigin };
    const stored = async (id: string | null) => {
      const read = await app.request(`/run/v1/conversations/${id}`, { headers });
      const body = (await read.json()) as {
        data: { messages: { role: string; content: string }[] };
      };
      return body.data.messages.map((message) => `${message.role}:${message.content}`);
    };
    const first = await requestChat(app, token, ask('Q'));
    const id = first.headers.get('x-inkeep-conversation-id');
    await first.text();
    expect(await stored(id)).toEqual(['user:Q']);

    // Unanswered: answered from the history, no second question stored.
    const retried = await requestChat(
      app,
      token,
      ask('Q', { conversationId: id, regenerate: true }),
    );
    expect(retried.status).toBe(200);
    expect(retried.headers.get('x-inkeep-conversation-id')).toBe(id);
    expect(streamedText(await retried.text())).toBe('answer 2');
    expect(await stored(id)).toEqual(['user:Q', 'assistant:answer 2']);

    // Answered: the answer is replaced, and the model does not see the old one.
    const again = await requestChat(
      app,
      token,
      ask('Q', { conversationId: id, regenerate: true, stream: false }),
    );
    expect(again.status).toBe(200);
    expect(await stored(id)).toEqual(['user:Q', 'assistant:answer 3']);
    expect(heard.at(-1)).toEqual(['user:Q']);

    // A new turn still appends, and regenerating it keeps the earlier turn.
    await (await requestChat(app, token, ask('R', { conversationId: id }))).text();
    await (
      await requestChat(app, token, ask('R', { conversationId: id, regenerate: true }))
    ).text();
    expect(await stored(id)).toEqual([
      'user:Q',
      'assistant:answer 3',
      'user:R',
      'assistant:answer 5',
    ]);
    expect(heard.at(-1)).toEqual(['user:Q', 'assistant:answer 3', 'user:R']);
  });

  it('refuses a regenerate that does not match the stored conversation', async () => {
    const app = createTestApp({ responder: createEchoResponder() });
    const token = await getToken(app);
    const first = await requestChat(app, token, ask('Q'));
    const id = first.headers.get('x-inkeep-conversation-id');
    await first.text();
    const refusal = async (body: unknown, as = token) => {
      const response = await requestChat(app, as, body);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const naming = { code: 'bad_request', detail: expect.stringMatching(/^regenerate/) };
    expect(await refusal(ask('Q', { regenerate: true }))).toEqual({
      status: 400,
      body: expect.objectContaining(naming),
    });
    expect(await refusal(ask('Q', { conversationId: id, regenerate: 'yes' }))).toEqual({
      status: 400,
      body: expect.objectContaining(naming),
    });
    expect(await refusal(ask('Other', { conversationId: id, regenerate: true }))).toEqual({
      status: 400,
      body: expect.objectContaining(naming),
    });
    const other = await getToken(app);
    expect(await refusal(ask('Q', { conversationId: id, regenerate: true }), other)).toEqual({
      status: 404,
      body: expect.objectContaining({ code: 'not_found' }),
    });
    const headers = { authorization: `Bearer ${token}`, origin: demoOrigin };
    const read = await app.request(`/run/v1/conversations/${id}`, { headers });
    const body = (await read.json()) as { data: { messages: { content: string }[] } };
    expect(body.data.messages.map((message) => message.content)).toEqual(['Q', 'Q']);
  });

  it('limits chat per visitor', async () => {
    // The limiter's window follows the system clock (as it does in Redis): held still, so the
    // refusal's Retry-After is the whole minute however slowly the machine runs the requests.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const app = createTestApp({ settings: { chatRateLimit: 2 } });
    const token = await getToken(app);
    const other = await getToken(app);
    expect((await requestChat(app, token, ask('1', { stream: false }))).status).toBe(200);
    expect((await requestChat(app, token, ask('2', { stream: false }))).status).toBe(200);
    const refused = await requestChat(app, token, ask('3', { stream: false }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect((await requestChat(app, other, ask('1', { stream: false }))).status).toBe(200);
  });

  it('reports a responder failure mid-stream as an error event', async () => {
    const app = createTestApp({
      responder: {
        model: 'broken',
        async *respond() {
          yield 'partial ';
          throw new Error('secret internals');
        },
      },
    });
    const token = await getToken(app);
    const text = await (await requestChat(app, token, ask('hi'))).text();
    const data = sseData(text);
    expect(JSON.parse(data.at(-1) ?? '')).toEqual({
      error: { code: 'internal_error', message: 'The answer could not be generated' },
    });
    expect(text).not.toContain('secret internals');
    expect(text).not.toContain('[DONE]');
  });

  it('stops the responder when the client aborts', async () => {
    let aborted = false;
    const app = createTestApp({
      responder: {
        model: 'slow',
        async *respond({ signal }) {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
          for (let index = 0; index < 1000 && !signal.aborted; index++) {
            yield `${index} `;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        },
      },
    });
    const token = await getToken(app);
    const controller = new AbortController();
    const response = await app.request('/run/v1/chat/completions', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-inkeep-app-id': 'app_demo',
        origin: 'http://localhost:5173',
        'content-type': 'application/json',
      },
      body: JSON.stringify(ask('hi')),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => aborted).toBe(true);
  });
});
