// Conversations under ids the client made (`conv_` + 16 or more URL-safe characters), on both
// chat routes and on both storage engines: created at first use under the caller, continued
// after, someone else's is 404, and first uses that race make one conversation.
import { describe, expect, it } from 'vitest';
import { createEchoResponder, createMemorySharedState } from '../../../src/server/index.ts';
import { createTestApp, demoOrigin, getToken, requestChat, streamedText } from '../helpers.ts';
import { createTestStores } from '../test-database.ts';
import { requestUiChat, storedMessages, uiAsk, uiText } from '../ui-chat-helpers.ts';

const postgresUrl = process.env.INKEEP_TEST_POSTGRES_URL || undefined;
const engines = [
  { name: 'the embedded engine (PGlite)', url: undefined, missing: false },
  { name: 'PostgreSQL', url: postgresUrl, missing: !postgresUrl },
];

describe.each(engines)('client conversation ids on $name', ({ url, missing }) => {
  if (missing) {
    it.skip('needs INKEEP_TEST_POSTGRES_URL (test/setup/engines.ts starts a PostgreSQL)', () => {});
    return;
  }

  function createApp() {
    const shared = createMemorySharedState();
    return createTestApp({
      responder: createEchoResponder(),
      shared,
      stores: createTestStores({ shared, ...(url ? { url } : {}) }),
    });
  }

  const contents = async (app: ReturnType<typeof createApp>, token: string, id: string) => {
    const messages = await storedMessages(app, token, id);
    return typeof messages === 'number'
      ? messages
      : messages.map((message) => `${message.role}:${message.content}`);
  };

  const total = async (app: ReturnType<typeof createApp>, token: string) => {
    const response = await app.request('/run/v1/conversations', {
      headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
    });
    return ((await response.json()) as { pagination: { total: number } }).pagination.total;
  };

  it('the first use creates it under the caller, later uses continue it, on both routes', async () => {
    const app = createApp();
    const token = await getToken(app);
    const id = 'conv_Client-made_id_01';
    const first = await requestUiChat(app, token, uiAsk('one', { conversationId: id }));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-inkeep-conversation-id')).toBe(id);
    expect(uiText(await first.text())).toBe('one');
    const second = await requestChat(app, token, {
      messages: [{ role: 'user', content: 'two' }],
      stream: true,
      conversationId: id,
    });
    expect(second.headers.get('x-inkeep-conversation-id')).toBe(id);
    expect(streamedText(await second.text())).toBe('two');
    expect(await contents(app, token, id)).toEqual([
      'user:one',
      'assistant:one',
      'user:two',
      'assistant:two',
    ]);
    expect(await total(app, token)).toBe(1);
  });

  it('chat completions creates a new client id under the caller, from the messages sent', async () => {
    const app = createApp();
    const token = await getToken(app);
    const id = 'conv_from_completions_1';
    const response = await requestChat(app, token, {
      messages: [
        { role: 'user', content: 'earlier' },
        { role: 'assistant', content: 'reply' },
        { role: 'user', content: 'now' },
      ],
      conversationId: id,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-inkeep-conversation-id')).toBe(id);
    expect(await contents(app, token, id)).toEqual([
      'user:earlier',
      'assistant:reply',
      'user:now',
      'assistant:now',
    ]);
  });

  it('another owner’s id is 404 on both routes, and their conversation is untouched', async () => {
    const app = createApp();
    const owner = await getToken(app);
    const stranger = await getToken(app);
    const id = 'conv_owned_by_someone_1';
    await (await requestUiChat(app, owner, uiAsk('mine', { conversationId: id }))).text();
    const viaUi = await requestUiChat(app, stranger, uiAsk('theirs', { conversationId: id }));
    expect(viaUi.status).toBe(404);
    expect(await viaUi.json()).toMatchObject({
      code: 'not_found',
      detail: 'Conversation not found',
    });
    const viaCompletions = await requestChat(app, stranger, {
      messages: [{ role: 'user', content: 'theirs' }],
      conversationId: id,
    });
    expect(viaCompletions.status).toBe(404);
    expect(await contents(app, owner, id)).toEqual(['user:mine', 'assistant:mine']);
    expect(await contents(app, stranger, id)).toBe(404);
    expect(await total(app, stranger)).toBe(0);
  });

  it('an unknown id of the server’s own form is 404 on both routes: it was lost, not chosen', async () => {
    const app = createApp();
    const token = await getToken(app);
    const id = 'conv_0123456789abcdef0123456789abcdef';
    const viaUi = await requestUiChat(app, token, uiAsk('hi', { conversationId: id }));
    expect(viaUi.status).toBe(404);
    expect(await viaUi.json()).toMatchObject({ code: 'not_found' });
    const viaCompletions = await requestChat(app, token, {
      messages: [{ role: 'user', content: 'hi' }],
      conversationId: id,
    });
    expect(viaCompletions.status).toBe(404);
    expect(await total(app, token)).toBe(0);
    // The ids the server makes are of that form, and they go on as before.
    const started = await requestChat(app, token, {
      messages: [{ role: 'user', content: 'new' }],
      stream: true,
    });
    const made = started.headers.get('x-inkeep-conversation-id')!;
    await started.text();
    expect(made).toMatch(/^conv_[0-9a-f]{32}$/);
    const next = await requestChat(app, token, {
      messages: [{ role: 'user', content: 'again' }],
      stream: true,
      conversationId: made,
    });
    expect(next.status).toBe(200);
    await next.text();
    expect(await contents(app, token, made)).toHaveLength(4);
  });

  it('malformed ids are 400 naming conversationId on chat completions too', async () => {
    const app = createApp();
    const token = await getToken(app);
    for (const conversationId of [
      'conv_short',
      'conv_has space in it__',
      'conv_ümlaut_ümlaut_ümlaut',
      `conv_${'x'.repeat(124)}`,
      'chat_abcdefghijklmnopq',
    ]) {
      const response = await requestChat(app, token, {
        messages: [{ role: 'user', content: 'hi' }],
        conversationId,
      });
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem.code).toBe('bad_request');
      expect(problem.detail).toMatch(/^conversationId/);
    }
    expect(await total(app, token)).toBe(0);
  });

  it('two first uses at once by one owner make one conversation holding both turns', async () => {
    const app = createApp();
    const token = await getToken(app);
    const id = 'conv_raced_by_one_owner';
    const responses = await Promise.all([
      requestUiChat(app, token, uiAsk('left', { conversationId: id })),
      requestChat(app, token, {
        messages: [{ role: 'user', content: 'right' }],
        conversationId: id,
      }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    await Promise.all(responses.map((response) => response.text()));
    const messages = await contents(app, token, id);
    expect(Array.isArray(messages) && [...messages].sort()).toEqual([
      'assistant:left',
      'assistant:right',
      'user:left',
      'user:right',
    ]);
    expect(await total(app, token)).toBe(1);
  });

  it('two owners racing for a new id: one gets it, the other 404', async () => {
    const app = createApp();
    const tokens = [await getToken(app), await getToken(app)];
    const id = 'conv_raced_by_two_owners';
    const responses = await Promise.all(
      tokens.map((token, index) =>
        requestUiChat(app, token, uiAsk(`q${index}`, { conversationId: id })),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect([...statuses].sort()).toEqual([200, 404]);
    await Promise.all(responses.map((response) => response.text()));
    const winner = statuses.indexOf(200);
    const loser = 1 - winner;
    expect(await contents(app, tokens[winner] as string, id)).toEqual([
      `user:q${winner}`,
      `assistant:q${winner}`,
    ]);
    expect(await total(app, tokens[loser] as string)).toBe(0);
  });
});
