// Hostile and broken requests, one table: each gets its exact status and code, never a 5xx.

import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createEchoResponder } from '../../src/server/index.ts';
import {
  type ClassicChallenge,
  createTestApp,
  demoOrigin,
  getToken,
  requestChat,
  requestSession,
  secret,
  solveClassicChallenge,
} from './helpers.ts';

type TestApp = ReturnType<typeof createTestApp>;
type Case = [
  name: string,
  run: (app: TestApp) => Response | Promise<Response>,
  status: number,
  code: string,
];

const powSecret = 'pow-secret-pow-secret-pow-secret-0123';
const now = () => Math.floor(Date.now() / 1000);
const uuidSub = 'anon_3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function claims(overrides: Record<string, unknown> = {}) {
  return {
    sub: uuidSub,
    iss: 'inkeep',
    iat: now(),
    exp: now() + 3600,
    tid: 'default',
    pid: 'default',
    app: 'app_demo',
    type: 'anonymous',
    ...overrides,
  };
}

function sign(payload: Record<string, unknown>, key = secret, alg = 'HS256') {
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(key));
}

const ask = { messages: [{ role: 'user', content: 'hi' }], stream: false };
const chatWith =
  (token: string | Promise<string>, body: unknown = ask, options = {}) =>
  async (app: TestApp) =>
    requestChat(app, await token, body, options);
const chatWithSession =
  (body: unknown, options = {}) =>
  async (app: TestApp) =>
    requestChat(app, await getToken(app), body, options);
const session = (options: Parameters<typeof requestSession>[1]) => (app: TestApp) =>
  requestSession(app, options);
const withPow = (header: string | ((app: TestApp) => Promise<string>)) => async (app: TestApp) =>
  requestSession(app, {
    headers: {
      'x-inkeep-challenge-solution': typeof header === 'string' ? header : await header(app),
    },
  });

async function solved(app: TestApp, change: (payload: Record<string, unknown>) => void = () => {}) {
  const response = await app.request('/run/auth/pow/challenge');
  return solveClassicChallenge((await response.json()) as ClassicChallenge, change);
}

const originCases: Case[] = [
  ['origin missing', session({ origin: null }), 403, 'origin_not_allowed'],
  ['origin "null"', session({ origin: 'null' }), 403, 'origin_not_allowed'],
  ['origin empty', session({ origin: '' }), 403, 'origin_not_allowed'],
  [
    'origin lookalike suffix',
    session({ origin: 'http://localhost.evil.net' }),
    403,
    'origin_not_allowed',
  ],
  [
    'origin lookalike prefix',
    session({ origin: 'http://evillocalhost' }),
    403,
    'origin_not_allowed',
  ],
  [
    'origin userinfo trick',
    session({ origin: 'http://localhost@evil.net' }),
    403,
    'origin_not_allowed',
  ],
  [
    'origin userinfo reverse',
    session({ origin: 'http://evil.net@localhost' }),
    403,
    'origin_not_allowed',
  ],
  ['origin with path', session({ origin: 'http://localhost/x' }), 403, 'origin_not_allowed'],
  ['origin not a URL', session({ origin: 'localhost' }), 403, 'origin_not_allowed'],
  ['origin file scheme', session({ origin: 'file://' }), 403, 'origin_not_allowed'],
  ['origin other IP', session({ origin: 'http://127.0.0.2' }), 403, 'origin_not_allowed'],
  [
    'restricted app lookalike',
    session({ appId: 'app_restricted', origin: 'https://docs.example.com.evil.net' }),
    403,
    'origin_not_allowed',
  ],
  [
    'restricted app apex only',
    session({ appId: 'app_restricted', origin: 'https://example.com' }),
    403,
    'origin_not_allowed',
  ],
  [
    'restricted app sibling',
    session({ appId: 'app_restricted', origin: 'https://evildocs.example.com' }),
    403,
    'origin_not_allowed',
  ],
  [
    'chat from other origin',
    async (app) => requestChat(app, await getToken(app), ask, { origin: 'http://evil.test' }),
    403,
    'origin_not_allowed',
  ],
  [
    'chat without origin',
    async (app) => requestChat(app, await getToken(app), ask, { origin: null }),
    403,
    'origin_not_allowed',
  ],
  ['unknown app', session({ appId: 'app_nope' }), 404, 'not_found'],
  ['disabled app', session({ appId: 'app_disabled' }), 404, 'not_found'],
  ['app id with traversal', session({ appId: '..%2Fapp_demo' }), 404, 'not_found'],
  ['api app', session({ appId: 'app_api' }), 400, 'bad_request'],
  ['anonymous disabled', session({ appId: 'app_private' }), 401, 'anonymous_disabled'],
];

const jwtCases: Case[] = [
  ['no token', chatWith(Promise.resolve(undefined as unknown as string)), 401, 'unauthorized'],
  [
    'empty bearer',
    (app) =>
      app.request('/run/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: 'Bearer ', origin: demoOrigin },
      }),
    401,
    'unauthorized',
  ],
  [
    'basic auth',
    (app) =>
      app.request('/run/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: 'Basic dXNlcjpwYXNz', origin: demoOrigin },
      }),
    401,
    'unauthorized',
  ],
  ['garbage token', chatWith('not-a-jwt'), 401, 'unauthorized'],
  [
    'alg none',
    chatWith(`${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`),
    401,
    'unauthorized',
  ],
  [
    'alg None',
    chatWith(`${base64url({ alg: 'None' })}.${base64url(claims())}.`),
    401,
    'unauthorized',
  ],
  [
    'another secret',
    chatWith(sign(claims(), 'another-secret-another-secret-another-1')),
    401,
    'unauthorized',
  ],
  ['HS512 with our secret', chatWith(sign(claims(), secret, 'HS512')), 401, 'unauthorized'],
  ['HS384 with our secret', chatWith(sign(claims(), secret, 'HS384')), 401, 'unauthorized'],
  [
    'expired',
    chatWith(sign(claims({ iat: now() - 7200, exp: now() - 3600 }))),
    401,
    'unauthorized',
  ],
  ['not yet valid (nbf)', chatWith(sign(claims({ nbf: now() + 3600 }))), 401, 'unauthorized'],
  [
    'issued in the future',
    chatWith(sign(claims({ iat: now() + 3600, exp: now() + 7200 }))),
    401,
    'unauthorized',
  ],
  ['no exp', chatWith(sign({ ...claims(), exp: undefined })), 401, 'unauthorized'],
  ['wrong type', chatWith(sign(claims({ type: 'api' }))), 401, 'unauthorized'],
  ['wrong issuer', chatWith(sign(claims({ iss: 'someone' }))), 401, 'unauthorized'],
  ['sub not anon_', chatWith(sign(claims({ sub: 'admin' }))), 401, 'unauthorized'],
  [
    'another app than the header',
    chatWith(sign(claims({ app: 'app_restricted' }))),
    401,
    'unauthorized',
  ],
  [
    'header names another app',
    chatWith(sign(claims()), ask, { appId: 'app_restricted' }),
    401,
    'unauthorized',
  ],
  ['no app header', chatWith(sign(claims()), ask, { appId: null }), 401, 'unauthorized'],
  ['wrong tenant claim', chatWith(sign(claims({ tid: 'other' }))), 401, 'unauthorized'],
  [
    'token of a disabled app',
    chatWith(sign(claims({ app: 'app_disabled' })), ask, { appId: 'app_disabled' }),
    404,
    'not_found',
  ],
  [
    'token of an unknown app',
    chatWith(sign(claims({ app: 'app_gone' })), ask, { appId: 'app_gone' }),
    404,
    'not_found',
  ],
  [
    'tampered payload',
    async (app) => {
      const [header, , signature] = (await getToken(app)).split('.');
      return requestChat(app, `${header}.${base64url(claims({ sub: uuidSub }))}.${signature}`, ask);
    },
    401,
    'unauthorized',
  ],
  [
    'tampered signature',
    async (app) => {
      const token = await getToken(app);
      return requestChat(app, `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`, ask);
    },
    401,
    'unauthorized',
  ],
  [
    'conversations without token',
    (app) => app.request('/run/v1/conversations', { headers: { origin: demoOrigin } }),
    401,
    'unauthorized',
  ],
  [
    'conversations with bad token',
    (app) =>
      app.request('/run/v1/conversations', {
        headers: { origin: demoOrigin, authorization: 'Bearer x.y.z' },
      }),
    401,
    'unauthorized',
  ],
  [
    'other agent',
    chatWithSession(ask, { headers: { 'x-inkeep-agent-id': 'agent_other' } }),
    403,
    'forbidden',
  ],
];

let clockOffset = 0;
const powCases: Case[] = [
  [
    'pow expired',
    async (app) => {
      const header = await solved(app);
      clockOffset = 301_000;
      try {
        return await requestSession(app, { headers: { 'x-inkeep-challenge-solution': header } });
      } finally {
        clockOffset = 0;
      }
    },
    400,
    'pow_expired',
  ],
  ['pow missing', session({}), 400, 'pow_required'],
  ['pow empty', withPow(''), 400, 'pow_required'],
  ['pow garbage', withPow('garbage!!'), 400, 'pow_invalid'],
  ['pow base64 of text', withPow(btoa('hello')), 400, 'pow_invalid'],
  ['pow base64 of array', withPow(btoa('[1,2]')), 400, 'pow_invalid'],
  ['pow base64 of null', withPow(btoa('null')), 400, 'pow_invalid'],
  ['pow huge header', withPow('A'.repeat(20_000)), 400, 'pow_invalid'],
  [
    'pow wrong number',
    (app) =>
      withPow((a) =>
        solved(a, (p) => {
          p.number = (p.number as number) + 1;
        }),
      )(app),
    400,
    'pow_invalid',
  ],
  [
    'pow number as string',
    (app) =>
      withPow((a) =>
        solved(a, (p) => {
          p.number = String(p.number);
        }),
      )(app),
    400,
    'pow_invalid',
  ],
  [
    'pow negative number',
    (app) =>
      withPow((a) =>
        solved(a, (p) => {
          p.number = -1;
        }),
      )(app),
    400,
    'pow_invalid',
  ],
  [
    'pow tampered salt (longer expiry)',
    (app) =>
      withPow((a) =>
        solved(a, (p) => {
          p.salt = String(p.salt).replace(/expires=\d+/, 'expires=9999999999');
        }),
      )(app),
    400,
    'pow_invalid',
  ],
  [
    'pow tampered signature',
    (app) =>
      withPow((a) =>
        solved(a, (p) => {
          p.signature = `${String(p.signature).startsWith('0') ? '1' : '0'}${String(p.signature).slice(1)}`;
        }),
      )(app),
    400,
    'pow_invalid',
  ],
  [
    'pow tampered challenge',
    (app) =>
      withPow((a) =>
        solved(a, (p) => {
          p.challenge = '0'.repeat(64);
        }),
      )(app),
    400,
    'pow_invalid',
  ],
  [
    'pow wrong algorithm',
    (app) =>
      withPow((a) =>
        solved(a, (p) => {
          p.algorithm = 'SHA-1';
        }),
      )(app),
    400,
    'pow_invalid',
  ],
  [
    'pow unknown algorithm',
    (app) =>
      withPow((a) =>
        solved(a, (p) => {
          p.algorithm = 'MD5';
        }),
      )(app),
    400,
    'pow_invalid',
  ],
  [
    'pow v2 shape on classic server',
    withPow(
      btoa(
        JSON.stringify({
          challenge: { parameters: {}, signature: 'x' },
          solution: { counter: 1, derivedKey: 'ab' },
        }),
      ),
    ),
    400,
    'pow_invalid',
  ],
  [
    'pow replayed',
    async (app) => {
      const header = await solved(app);
      await requestSession(app, { headers: { 'x-inkeep-challenge-solution': header } });
      return requestSession(app, { headers: { 'x-inkeep-challenge-solution': header } });
    },
    400,
    'pow_invalid',
  ],
];

const big = 'x'.repeat(70 * 1024);
const bodyCases: Case[] = [
  ['malformed JSON', chatWithSession('{"messages": ['), 400, 'bad_request'],
  ['empty body', chatWithSession(''), 400, 'bad_request'],
  ['body is an array', chatWithSession([]), 400, 'bad_request'],
  ['body is a string', chatWithSession('"hi"'), 400, 'bad_request'],
  ['body is null', chatWithSession('null'), 400, 'bad_request'],
  ['messages missing', chatWithSession({ stream: true }), 400, 'bad_request'],
  ['messages not an array', chatWithSession({ messages: 'hi' }), 400, 'bad_request'],
  ['messages empty', chatWithSession({ messages: [] }), 400, 'bad_request'],
  ['message not an object', chatWithSession({ messages: ['hi'] }), 400, 'bad_request'],
  [
    'unknown role',
    chatWithSession({ messages: [{ role: 'tool', content: 'hi' }] }),
    400,
    'bad_request',
  ],
  ['role missing', chatWithSession({ messages: [{ content: 'hi' }] }), 400, 'bad_request'],
  [
    'content a number',
    chatWithSession({ messages: [{ role: 'user', content: 42 }] }),
    400,
    'bad_request',
  ],
  [
    'content null',
    chatWithSession({ messages: [{ role: 'user', content: null }] }),
    400,
    'bad_request',
  ],
  [
    'content part not text',
    chatWithSession({ messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }),
    400,
    'bad_request',
  ],
  [
    'last message from assistant',
    chatWithSession({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
      ],
    }),
    400,
    'bad_request',
  ],
  [
    'blank user message',
    chatWithSession({ messages: [{ role: 'user', content: '   ' }] }),
    400,
    'bad_request',
  ],
  [
    'too many messages',
    chatWithSession({
      messages: Array.from({ length: 101 }, () => ({ role: 'user', content: 'a' })),
    }),
    400,
    'bad_request',
  ],
  [
    'message too long',
    chatWithSession({ messages: [{ role: 'user', content: 'x'.repeat(16_001) }] }),
    400,
    'bad_request',
  ],
  ['stream not boolean', chatWithSession({ ...ask, stream: 'yes' }), 400, 'bad_request'],
  ['conversationId a number', chatWithSession({ ...ask, conversationId: 7 }), 400, 'bad_request'],
  [
    'conversationId malformed',
    chatWithSession({ ...ask, conversationId: 'conv_nope' }),
    400,
    'bad_request',
  ],
  [
    'regenerate of an unknown conversation',
    chatWithSession({ ...ask, conversationId: 'conv_0123456789abcdef', regenerate: true }),
    404,
    'not_found',
  ],
  [
    'body over 64 KiB',
    chatWithSession({ messages: [{ role: 'user', content: big }] }),
    413,
    'payload_too_large',
  ],
  [
    'body over 64 KiB to sessions',
    (app) =>
      app.request('/run/auth/apps/app_demo/anonymous-session', {
        method: 'POST',
        headers: { origin: demoOrigin, 'content-length': String(big.length) },
        body: big,
      }),
    413,
    'payload_too_large',
  ],
  [
    'chunked body over 64 KiB',
    async (app) => {
      const token = await getToken(app);
      const stream = new ReadableStream({
        start(controller) {
          for (let index = 0; index < 10; index++)
            controller.enqueue(new TextEncoder().encode(big.slice(0, 10_000)));
          controller.close();
        },
      });
      return app.request('/run/v1/chat/completions', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          origin: demoOrigin,
          'x-inkeep-app-id': 'app_demo',
        },
        body: stream,
        duplex: 'half',
      } as RequestInit);
    },
    413,
    'payload_too_large',
  ],
  [
    'deeply nested JSON',
    chatWithSession(`${'['.repeat(5000)}${']'.repeat(5000)}`),
    400,
    'bad_request',
  ],
  ['unknown route', (app) => app.request('/run/v1/nope'), 404, 'not_found'],
  ['GET on chat', (app) => app.request('/run/v1/chat/completions'), 404, 'not_found'],
];

async function someoneElsesConversation(app: TestApp) {
  const owner = await getToken(app);
  const response = await requestChat(app, owner, ask);
  return {
    id: response.headers.get('x-inkeep-conversation-id') ?? '',
    intruder: await getToken(app),
  };
}
const conversationCases: Case[] = [
  [
    'read another user’s conversation',
    async (app) => {
      const { id, intruder } = await someoneElsesConversation(app);
      return app.request(`/run/v1/conversations/${id}`, {
        headers: { authorization: `Bearer ${intruder}`, origin: demoOrigin },
      });
    },
    404,
    'not_found',
  ],
  [
    'delete another user’s conversation',
    async (app) => {
      const { id, intruder } = await someoneElsesConversation(app);
      return app.request(`/run/v1/conversations/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${intruder}`, origin: demoOrigin },
      });
    },
    404,
    'not_found',
  ],
  [
    'continue another user’s conversation',
    async (app) => {
      const { id, intruder } = await someoneElsesConversation(app);
      return requestChat(app, intruder, { ...ask, conversationId: id });
    },
    404,
    'not_found',
  ],
  [
    'read a conversation via another app header',
    async (app) => {
      const { id } = await someoneElsesConversation(app);
      const token = await getToken(app);
      return app.request(`/run/v1/conversations/${id}`, {
        headers: {
          authorization: `Bearer ${token}`,
          origin: demoOrigin,
          'x-inkeep-app-id': 'app_restricted',
        },
      });
    },
    401,
    'unauthorized',
  ],
  [
    'unknown conversation',
    async (app) =>
      app.request('/run/v1/conversations/conv_missing', {
        headers: { authorization: `Bearer ${await getToken(app)}`, origin: demoOrigin },
      }),
    404,
    'not_found',
  ],
  [
    'path traversal id',
    async (app) =>
      app.request('/run/v1/conversations/..%2F..%2Fetc%2Fpasswd', {
        headers: { authorization: `Bearer ${await getToken(app)}`, origin: demoOrigin },
      }),
    404,
    'not_found',
  ],
];

describe('adversarial requests', () => {
  const all = [...originCases, ...jwtCases, ...powCases, ...bodyCases, ...conversationCases];

  it('has at least 80 cases', () => {
    expect(all.length).toBeGreaterThanOrEqual(80);
  });

  const table = (cases: Case[], options: Parameters<typeof createTestApp>[0] = {}) =>
    it.each(cases)('%s', async (_name, run, status, code) => {
      const app = createTestApp({ responder: createEchoResponder(), ...options });
      const response = await run(app);
      expect(response.status).toBeLessThan(500);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const text = await response.text();
      expect(text).not.toMatch(/at .+\.ts:\d+|Error:/);
      expect(JSON.parse(text)).toMatchObject({ status, code, error: { code, status } });
    });

  describe('origins and apps', () => table(originCases));
  describe('tokens', () => table(jwtCases));
  describe('proof of work', () =>
    table(powCases, {
      env: { INKEEP_POW_HMAC_SECRET: powSecret, INKEEP_POW_DIFFICULTY: '500' },
      now: () => Date.now() + clockOffset,
    }));
  describe('bodies', () => table(bodyCases));
  describe('conversations', () => table(conversationCases));
});
