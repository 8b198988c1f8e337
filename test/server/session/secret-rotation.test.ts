// Rotating INKEEP_ANON_JWT_SECRET and INKEEP_POW_HMAC_SECRET during a rolling deploy, as the
// README's "Rotating secrets" describes: phase 1 adds the new secret second everywhere (signing
// unchanged), phase 2 moves it first (new tokens and challenges signed with it, old ones still
// valid on every instance), phase 3 removes the old one (its tokens and challenges refused as any
// bad signature is). Instances of one fleet share stores and shared state.
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Responder } from '../../../src/server/chat/responder.ts';
import { createMemorySharedState, keyIdOf } from '../../../src/server/index.ts';
import {
  type ClassicChallenge,
  createTestApp,
  demoOrigin,
  invalidJwtProblem,
  problemBodyOf,
  requestChat,
  solveClassicChallenge,
  sseData,
  streamedText,
} from '../helpers.ts';
import { createTestStores } from '../test-database.ts';

type TestApp = ReturnType<typeof createTestApp>;

const s1 = 'jwt-old-jwt-old-jwt-old-jwt-old-jwt-old-01';
const s2 = 'jwt-new-jwt-new-jwt-new-jwt-new-jwt-new-02';
const p1 = 'pow-old-pow-old-pow-old-pow-old-pow-old-01';
const p2 = 'pow-new-pow-new-pow-new-pow-new-pow-new-02';

const powInvalid = problemBodyOf({
  title: 'Bad Request',
  status: 400,
  detail: 'Challenge solution is invalid',
  code: 'pow_invalid',
  error: { code: 'pow_invalid', message: 'Challenge solution is invalid', status: 400 },
});

/** Starts instances of one fleet: same stores, same shared state, their own secret lists. */
function createFleet() {
  const shared = createMemorySharedState();
  const stores = createTestStores({ shared });
  return (jwtSecret: string[], hmacSecret: string[], responder?: Responder) =>
    createTestApp({
      shared,
      stores,
      ...(responder ? { responder } : {}),
      settings: {
        jwtSecret,
        sessionRateLimit: 1000,
        pow: {
          hmacSecret,
          algorithm: 'SHA-256',
          difficulty: 100,
          cost: 1,
          challengeTtlSeconds: 300,
        },
      },
    });
}

const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const subOf = (token: string) => decodeJwt(token).sub;

/** A challenge served by `app`, solved: the `x-inkeep-challenge-solution` header. */
async function solvedChallenge(app: TestApp): Promise<string> {
  const response = await app.request('/run/auth/pow/challenge');
  expect(response.status).toBe(200);
  return solveClassicChallenge((await response.json()) as ClassicChallenge);
}

function requestSession(app: TestApp, solution: string, previous?: string) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    origin: demoOrigin,
    'x-inkeep-challenge-solution': solution,
  };
  if (previous) headers.authorization = `Bearer ${previous}`;
  return app.request(
    '/run/auth/apps/app_demo/anonymous-session',
    { method: 'POST', headers, body: '' },
    { incoming: { socket: { remoteAddress: '10.0.0.1' } } },
  );
}

/** What the widget does: fetch a challenge, solve it, get a session (a refresh with `previous`). */
async function session(app: TestApp, previous?: string): Promise<string> {
  const response = await requestSession(app, await solvedChallenge(app), previous);
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

/** One streamed chat turn that must succeed; returns the conversation id. */
async function chat(app: TestApp, token: string, text: string, conversationId?: string | null) {
  const response = await requestChat(app, token, {
    messages: [{ role: 'user', content: text }],
    stream: true,
    ...(conversationId ? { conversationId } : {}),
  });
  expect(response.status, text).toBe(200);
  expect(sseData(await response.text()).at(-1)).toBe('[DONE]');
  return response.headers.get('x-inkeep-conversation-id');
}

function readConversation(app: TestApp, token: string, id: string | null) {
  return app.request(`/run/v1/conversations/${id}`, {
    headers: {
      authorization: `Bearer ${token}`,
      origin: demoOrigin,
      'x-inkeep-app-id': 'app_demo',
    },
  });
}

async function expectInvalidJwt(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(await response.json()).toEqual(invalidJwtProblem);
}

describe('rotating both secrets across a rolling deploy', () => {
  it('never refuses a visitor during phases 1 and 2, and refuses the old secret in phase 3', async () => {
    const start = createFleet();
    const before = start([s1], [p1]);
    const visitor = await session(before);
    expect(kidOf(visitor)).toBe(keyIdOf(s1));
    const conversation = await chat(before, visitor, 'hello');
    // Challenges handed out under the old PoW secret, solved after the switches.
    const solvedBeforeSwitch = await solvedChallenge(before);
    const solvedBeforeRemoval = await solvedChallenge(before);

    // Phase 1: the new secrets are added second, everywhere. Nothing changes in signing, so
    // instances not yet updated accept everything the updated ones issue.
    const phase1 = start([s1, s2], [p1, p2]);
    const fromPhase1 = await session(phase1);
    expect(kidOf(fromPhase1)).toBe(keyIdOf(s1));
    await chat(phase1, visitor, 'phase 1', conversation);
    await chat(before, fromPhase1, 'phase 1, not yet updated');
    expect((await requestSession(before, await solvedChallenge(phase1))).status).toBe(200);

    // Phase 2: the new secrets move first. New tokens and challenges are signed with them; the
    // old ones stay valid on every instance, and phase-1 instances accept the new ones.
    const phase2 = start([s2, s1], [p2, p1]);
    const fresh = await session(phase2);
    expect(kidOf(fresh)).toBe(keyIdOf(s2));
    await chat(phase2, visitor, 'phase 2', conversation);
    await chat(phase1, fresh, 'phase 2 token on a phase-1 instance');
    await chat(phase2, fromPhase1, 'phase-1 token on a phase-2 instance');
    expect((await requestSession(phase1, await solvedChallenge(phase2))).status).toBe(200);
    expect((await requestSession(phase2, solvedBeforeSwitch)).status).toBe(200);
    // Why phase 1 comes first: an instance that never heard of s2 refuses its tokens.
    await expectInvalidJwt(
      await requestChat(before, fresh, { messages: [{ role: 'user', content: 'too early' }] }),
    );
    // A rolling refresh keeps the visitor and their history, now under the new secret.
    const refreshed = await session(phase2, visitor);
    expect(subOf(refreshed)).toBe(subOf(visitor));
    expect(kidOf(refreshed)).toBe(keyIdOf(s2));
    const history = await readConversation(phase2, refreshed, conversation);
    expect(history.status).toBe(200);
    const { data } = (await history.json()) as {
      data: { messages: { role: string; content: string }[] };
    };
    const asked = data.messages.filter((message) => message.role === 'user');
    expect(asked.map((message) => message.content)).toEqual(['hello', 'phase 1', 'phase 2']);

    // Phase 3: the old secrets are removed.
    const phase3 = start([s2], [p2]);
    await chat(phase3, refreshed, 'phase 3', conversation);
    await chat(phase3, fresh, 'phase 3, new visitor');
    await expectInvalidJwt(
      await requestChat(phase3, visitor, { messages: [{ role: 'user', content: 'old token' }] }),
    );
    await expectInvalidJwt(await readConversation(phase3, visitor, conversation));
    await expectInvalidJwt(
      await requestChat(phase3, fromPhase1, { messages: [{ role: 'user', content: 'old' }] }),
    );
    const late = await requestSession(phase3, solvedBeforeRemoval);
    expect(late.status).toBe(400);
    expect(await late.json()).toEqual(powInvalid);
    // An old token no longer verifies, so a refresh with it starts a new visitor.
    expect(subOf(await session(phase3, visitor))).not.toBe(subOf(visitor));
  });

  it('lets a chat streaming on an old instance finish while a new one serves the visitor', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let begun = () => {};
    const streaming = new Promise<void>((resolve) => {
      begun = resolve;
    });
    const slow: Responder = {
      model: 'slow',
      async *respond() {
        yield 'first half, ';
        begun();
        await held;
        yield 'second half';
      },
    };
    const start = createFleet();
    const old = start([s1], [p1], slow);
    const visitor = await session(old);
    const response = await requestChat(old, visitor, {
      messages: [{ role: 'user', content: 'a long answer, please' }],
      stream: true,
    });
    expect(response.status).toBe(200);
    const conversation = response.headers.get('x-inkeep-conversation-id');
    const body = response.text();
    await streaming;

    // Mid-stream, an instance with the rotated lists answers the same visitor and new ones.
    const rotated = start([s2, s1], [p2, p1]);
    await chat(rotated, visitor, 'meanwhile');
    const fresh = await session(rotated);
    expect(kidOf(fresh)).toBe(keyIdOf(s2));
    await chat(rotated, fresh, 'a new visitor');
    const refreshed = await session(rotated, visitor);
    expect(subOf(refreshed)).toBe(subOf(visitor));

    release();
    const text = await body;
    expect(streamedText(text)).toBe('first half, second half');
    expect(sseData(text).at(-1)).toBe('[DONE]');
    const stored = await readConversation(rotated, refreshed, conversation);
    expect(stored.status).toBe(200);
    const { data } = (await stored.json()) as { data: { messages: { content: string }[] } };
    expect(data.messages.map((message) => message.content)).toEqual([
      'a long answer, please',
      'first half, second half',
    ]);
  });
});
