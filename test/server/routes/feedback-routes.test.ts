// Answer feedback (POST /run/v1/feedback) and its list for the app's owner (the manage API), on
// both storage engines.
import { describe, expect, it } from 'vitest';
import { createMemorySharedState, type Responder } from '../../../src/server/index.ts';
import { expectRateLimited } from '../abuse/abuse-helpers.ts';
import { createTestApp, demoOrigin, getToken } from '../helpers.ts';
import { createTestStores } from '../test-database.ts';
import {
  postAsVisitor,
  requestUiChat,
  storedMessages,
  uiAsk,
  uiEvents,
} from '../ui-chat-helpers.ts';

const postgresUrl = process.env.INKEEP_TEST_POSTGRES_URL || undefined;
const engines = [
  { name: 'the embedded engine (PGlite)', url: undefined, missing: false },
  { name: 'PostgreSQL', url: postgresUrl, missing: !postgresUrl },
];
const adminKey = 'admin-key-admin-key-admin-key-admin-key-0123';
const feedbackPath = '/manage/tenants/default/projects/default/apps/app_demo/feedback';

/** Answers `Answer to <question>`, or a long answer for `long`. */
const responder: Responder = {
  model: 'answers',
  async *respond({ messages }) {
    const question = messages.at(-1)?.content ?? '';
    yield question === 'long' ? 'y'.repeat(700) : `Answer to ${question}`;
  },
};

describe.each(engines)('feedback on $name', ({ url, missing }) => {
  if (missing) {
    it.skip('needs INKEEP_TEST_POSTGRES_URL (test/setup/engines.ts starts a PostgreSQL)', () => {});
    return;
  }

  function createApp(env: Record<string, string> = {}) {
    const shared = createMemorySharedState();
    return createTestApp({
      responder,
      shared,
      stores: createTestStores({ shared, ...(url ? { url } : {}) }),
      env: { INKEEP_ADMIN_API_KEY: adminKey, ...env },
    });
  }
  type App = ReturnType<typeof createApp>;

  /** One answered turn: its conversation, the answer's id (from `start`) and the question's. */
  async function answered(app: App, token: string, question: string, conversationId: string) {
    const response = await requestUiChat(app, token, uiAsk(question, { conversationId }));
    const start = uiEvents(await response.text())[0] as { messageId: string };
    const messages = await storedMessages(app, token, conversationId);
    const asked = Array.isArray(messages) ? messages.at(-2) : undefined;
    return { conversationId, answerId: start.messageId, questionId: asked?.id as string };
  }

  const sendFeedback = (app: App, token: string | undefined, body: unknown, ip?: string) =>
    postAsVisitor(app, '/run/v1/feedback', token, body, ip ? { ip } : {});

  const list = async (app: App) => {
    const response = await app.request(feedbackPath, { headers: { 'x-api-key': adminKey } });
    expect(response.status).toBe(200);
    return (await response.json()) as {
      counts: { positive: number; negative: number };
      latestNegative: Record<string, unknown>[];
    };
  };

  it('stores a feedback (201 with its body) and a second one replaces it (200, same id)', async () => {
    const app = createApp();
    const token = await getToken(app);
    const turn = await answered(app, token, 'Q', 'conv_feedback_turn_0001');
    const first = await sendFeedback(app, token, {
      conversationId: turn.conversationId,
      messageId: turn.answerId,
      type: 'positive',
    });
    expect(first.status).toBe(201);
    const created = (await first.json()) as Record<string, unknown>;
    expect(created).toEqual({
      id: expect.stringMatching(/^fb_/),
      conversationId: turn.conversationId,
      messageId: turn.answerId,
      type: 'positive',
      details: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(Object.keys(created)).toEqual([
      'id',
      'conversationId',
      'messageId',
      'type',
      'details',
      'createdAt',
    ]);
    const second = await sendFeedback(app, token, {
      conversationId: turn.conversationId,
      messageId: turn.answerId,
      type: 'negative',
      details: 'Wrong version',
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({
      id: created.id,
      type: 'negative',
      details: 'Wrong version',
    });
    expect((await list(app)).counts).toEqual({ positive: 0, negative: 1 });
  });

  it.each([
    ['a bad type', { type: 'meh' }, 'type'],
    ['no type', { type: undefined }, 'type'],
    ['no messageId', { messageId: undefined }, 'messageId'],
    ['no conversationId', { conversationId: undefined }, 'conversationId'],
    ['a malformed conversationId', { conversationId: 'conv_x' }, 'conversationId'],
    ['details too long', { details: 'd'.repeat(1001) }, 'details'],
    ['details not a string', { details: 5 }, 'details'],
  ])('400 bad_request for %s, naming the field', async (_name, change, field) => {
    const app = createApp();
    const token = await getToken(app);
    const turn = await answered(app, token, 'Q', 'conv_feedback_bad_0001');
    const body = {
      conversationId: turn.conversationId,
      messageId: turn.answerId,
      type: 'positive',
      ...change,
    };
    const response = await sendFeedback(app, token, body);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; detail: string };
    expect(problem.code).toBe('bad_request');
    expect(problem.detail.startsWith(field)).toBe(true);
  });

  it('404 for another owner’s conversation, an unknown message and a user message', async () => {
    const app = createApp();
    const token = await getToken(app);
    const stranger = await getToken(app);
    const turn = await answered(app, token, 'Q', 'conv_feedback_404_00001');
    const other = await answered(app, token, 'R', 'conv_feedback_404_00002');
    const cases = [
      [stranger, turn.conversationId, turn.answerId],
      [token, turn.conversationId, 'msg_unknown'],
      [token, turn.conversationId, turn.questionId],
      // A real answer, but of another conversation of the same owner.
      [token, turn.conversationId, other.answerId],
      [token, 'conv_never_existed_0001', turn.answerId],
    ] as const;
    for (const [as, conversationId, messageId] of cases) {
      const response = await sendFeedback(app, as, { conversationId, messageId, type: 'negative' });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'not_found' });
    }
    expect((await list(app)).counts).toEqual({ positive: 0, negative: 0 });
  });

  it('needs a visitor credential', async () => {
    const app = createApp();
    const response = await sendFeedback(app, undefined, {
      conversationId: 'conv_feedback_auth_0001',
      messageId: 'msg_x',
      type: 'positive',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ detail: 'Bearer token required' });
  });

  it('is budgeted per client IP, before the body is read', async () => {
    const app = createApp({ INKEEP_IP_FEEDBACK_RATE_LIMIT: '2' });
    const token = await getToken(app);
    const turn = await answered(app, token, 'Q', 'conv_feedback_budget_01');
    const body = {
      conversationId: turn.conversationId,
      messageId: turn.answerId,
      type: 'positive',
    };
    const first = await sendFeedback(app, token, body, '10.1.1.1');
    expect(first.status).toBe(201);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect((await sendFeedback(app, token, body, '10.1.1.1')).status).toBe(200);
    await expectRateLimited(await sendFeedback(app, token, body, '10.1.1.1'), 2);
    // Refused before the body is looked at: even a malformed one is 429, not 400.
    await expectRateLimited(await sendFeedback(app, token, '{', '10.1.1.1'), 2);
    // Another client is served.
    expect((await sendFeedback(app, token, body, '10.1.1.2')).status).toBe(200);
  });

  it('lists counts and the latest negatives with question and answer; deleting a conversation deletes its feedback', async () => {
    const app = createApp();
    const token = await getToken(app);
    const a = await answered(app, token, 'Why?', 'conv_feedback_list_0001');
    const b = await answered(app, token, 'long', 'conv_feedback_list_0002');
    const c = await answered(app, token, 'Good?', 'conv_feedback_list_0003');
    const rate = async (turn: typeof a, type: string, details?: string) =>
      expect(
        (
          await sendFeedback(app, token, {
            conversationId: turn.conversationId,
            messageId: turn.answerId,
            type,
            ...(details ? { details } : {}),
          })
        ).status,
      ).toBe(201);
    await rate(a, 'negative', 'Not helpful');
    await rate(b, 'negative');
    await rate(c, 'positive');
    const summary = await list(app);
    expect(summary.counts).toEqual({ positive: 1, negative: 2 });
    expect(summary.latestNegative).toHaveLength(2);
    const byConversation = Object.fromEntries(
      summary.latestNegative.map((entry) => [entry.conversationId, entry]),
    );
    expect(byConversation[a.conversationId]).toEqual({
      conversationId: a.conversationId,
      messageId: a.answerId,
      details: 'Not helpful',
      createdAt: expect.any(String),
      question: 'Why?',
      answer: 'Answer to Why?',
    });
    expect(byConversation[b.conversationId]).toMatchObject({ question: 'long', details: null });
    expect(String(byConversation[b.conversationId]?.answer)).toBe('y'.repeat(500));

    const deleted = await app.request(`/run/v1/conversations/${a.conversationId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
    });
    expect(deleted.status).toBe(204);
    const after = await list(app);
    expect(after.counts).toEqual({ positive: 1, negative: 1 });
    expect(after.latestNegative.map((entry) => entry.conversationId)).toEqual([b.conversationId]);
  });

  it('the list needs a manage credential and a known app of that project', async () => {
    const app = createApp();
    expect((await app.request(feedbackPath)).status).toBe(401);
    const visitor = await getToken(app);
    const asVisitor = await app.request(feedbackPath, {
      headers: { authorization: `Bearer ${visitor}` },
    });
    expect(asVisitor.status).toBe(401);
    const unknown = await app.request(
      '/manage/tenants/default/projects/default/apps/app_nope/feedback',
      { headers: { 'x-api-key': adminKey } },
    );
    expect(unknown.status).toBe(404);
    const otherProject = await app.request(
      '/manage/tenants/default/projects/other/apps/app_demo/feedback',
      { headers: { 'x-api-key': adminKey } },
    );
    expect(otherProject.status).toBe(404);
    expect(await list(app)).toEqual({ counts: { positive: 0, negative: 0 }, latestNegative: [] });
  });
});
