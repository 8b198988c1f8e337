// The request log over a scenario that touches every kind of route: each line is JSON, names its
// request by the id on the response, hashes the visitor, and no secret, token, solution or
// message text of the scenario reaches the captured output.
import { describe, expect, it } from 'vitest';
import { hashVisitor } from '../../../src/server/index.ts';
import { createLogger } from '../../../src/server/logs/create-logger.ts';
import {
  type ClassicChallenge,
  createTestApp,
  demoOrigin,
  requestChat,
  requestSession,
  secret,
  solveClassicChallenge,
} from '../helpers.ts';

const env = {
  ADMIN_API_KEY: 'log-admin-log-admin-log-admin-log-admin-001',
  INKEEP_ADMIN_API_KEY: 'log-manage-log-manage-log-manage-log-manage',
  VALID_API_KEYS: 'log-valid-log-valid-log-valid-log-valid-0001',
  INKEEP_AGENTS_RUN_API_BYPASS_SECRET: 'log-bypass-log-bypass-log-bypass-log-bypas',
  INKEEP_POW_HMAC_SECRET: 'log-pow-log-pow-log-pow-log-pow-log-pow-01',
  INKEEP_POW_DIFFICULTY: '1000',
};
const question = 'my very private question about QX-7731';

/** A logger whose lines are kept in memory. */
function capturedLogger(level: 'info' | 'warn' = 'info') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    pretty: false,
    destination: { write: (text: string) => void lines.push(text) },
  });
  return { logger, lines };
}

describe('the request log', () => {
  it('writes one JSON line per request, with its id, and never a secret', async () => {
    const { logger, lines } = capturedLogger();
    const app = createTestApp({ env, logger });
    const responses: Response[] = [];
    const send = async (response: Promise<Response> | Response) => {
      const answered = await response;
      responses.push(answered);
      await answered.text();
      return answered;
    };

    await send(app.request('/healthz'));
    await send(app.request('/readyz'));
    await send(app.request('/openapi.json'));
    const challengeResponse = await app.request('/run/auth/pow/challenge');
    responses.push(challengeResponse);
    const challenge = (await challengeResponse.json()) as ClassicChallenge;
    const solution = await solveClassicChallenge(challenge);
    const sessionResponse = await requestSession(app, {
      headers: { 'x-inkeep-challenge-solution': solution },
    });
    responses.push(sessionResponse);
    const { token } = (await sessionResponse.json()) as { token: string };
    const { sub } = JSON.parse(atob(token.split('.')[1] ?? '')) as { sub: string };
    await send(requestSession(app, { headers: { 'x-inkeep-challenge-solution': solution } }));
    const streamed = await send(
      requestChat(app, token, { messages: [{ role: 'user', content: question }], stream: true }),
    );
    const conversationId = streamed.headers.get('x-inkeep-conversation-id') ?? '';
    const messageId = streamed.headers.get('x-inkeep-message-id') ?? '';
    await send(
      requestChat(app, token, { messages: [{ role: 'user', content: question }], stream: false }),
    );
    const visitorHeaders = { authorization: `Bearer ${token}`, origin: demoOrigin };
    await send(app.request('/run/v1/conversations', { headers: visitorHeaders }));
    await send(app.request(`/run/v1/conversations/${conversationId}`, { headers: visitorHeaders }));
    await send(
      app.request('/run/v1/feedback', {
        method: 'POST',
        headers: { ...visitorHeaders, 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId, messageId, type: 'negative', details: question }),
      }),
    );
    await send(requestChat(app, `${token}x`, { messages: [{ role: 'user', content: 'hi' }] }));
    await send(requestChat(app, token, '{"messages": [', {}));
    const manage = { 'x-api-key': env.INKEEP_ADMIN_API_KEY, 'content-type': 'application/json' };
    await send(app.request('/manage/tenants/default/projects/default/apps', { headers: manage }));
    const created = await app.request('/manage/tenants/default/projects/default/api-keys', {
      method: 'POST',
      headers: manage,
      body: JSON.stringify({ name: 'logged', scopes: ['chat'] }),
    });
    responses.push(created);
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    await send(
      app.request('/run/v1/chat/completions', {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: question }], stream: false }),
      }),
    );
    await send(
      app.request('/run/v1/conversations', {
        headers: { authorization: `Bearer ${env.VALID_API_KEYS}` },
      }),
    );
    await send(
      app.request('/run/v1/conversations', {
        headers: {
          authorization: `Bearer ${env.INKEEP_AGENTS_RUN_API_BYPASS_SECRET}`,
          'x-inkeep-tenant-id': 'default',
          'x-inkeep-project-id': 'default',
          'x-inkeep-agent-id': 'agent_demo',
        },
      }),
    );
    await send(app.request('/metrics', { headers: { 'x-api-key': env.ADMIN_API_KEY } }));
    await send(app.request(`/run/v1/conversations/${conversationId}`, { method: 'DELETE' }));
    await send(app.request(`/no/such/${token}`));
    await send(
      app.request('/run/v1/conversations', { method: 'OPTIONS', headers: { origin: demoOrigin } }),
    );

    // Every line is JSON; the request lines name exactly the ids the responses carried.
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = entries.filter((entry) => entry.msg === 'request');
    expect(requests).toHaveLength(responses.length);
    const ids = responses.map((response) => response.headers.get('x-request-id'));
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(requests.map((entry) => entry.requestId)).toEqual(ids);
    for (const entry of requests) {
      expect(entry).toMatchObject({
        level: expect.stringMatching(/^(info|error)$/),
        method: expect.any(String),
        route: expect.any(String),
        status: expect.any(Number),
        durationMs: expect.any(Number),
      });
      expect(String(entry.route)).not.toContain('conv_');
    }

    const chatLine = requests.find(
      (entry) => entry.route === '/run/v1/chat/completions' && entry.status === 200,
    );
    expect(chatLine).toMatchObject({
      app: 'app_demo',
      visitor: hashVisitor(app.context.stores.visitorHashKey, 'app_demo', sub),
      auth: 'anonymous',
    });
    const keyLine = requests.find((entry) => entry.auth === 'api_key');
    expect(keyLine?.key).toBe(/^sk_([^.]+)\./.exec(key)?.[1]);
    expect(requests.find((entry) => entry.route === '/run/v1/conversations/:id')).toBeDefined();
    expect(requests.find((entry) => entry.status === 401)).toMatchObject({ code: 'unauthorized' });
    // A refusal answered without a route's throw (no route here) names its code too.
    expect(requests.find((entry) => entry.status === 404)).toMatchObject({ code: 'not_found' });

    // A problem body carries the same id as its response's header.
    const refused = await app.request('/run/v1/conversations');
    expect(await refused.json()).toMatchObject({ requestId: refused.headers.get('x-request-id') });

    const output = lines.join('');
    const secrets = [
      ...Object.values(env),
      secret,
      token,
      token.split('.')[2] ?? token,
      solution,
      key,
      key.split('.')[1] ?? key,
      question,
      'QX-7731',
      sub,
    ];
    for (const value of secrets) expect(output, value).not.toContain(value);
  });

  it('takes an incoming x-request-id only behind --trust-proxy, and only a sane one', async () => {
    const trusted = createTestApp({ settings: { trustProxy: true } });
    const kept = await trusted.request('/healthz', { headers: { 'x-request-id': 'lb-1234.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-1234.abc');
    const refused = await trusted.request('/nowhere', {
      headers: { 'x-request-id': 'lb-5678' },
    });
    expect(await refused.json()).toMatchObject({ requestId: 'lb-5678' });
    for (const insane of ['a'.repeat(129), 'has space', 'quote"s', '<script>']) {
      const replaced = await trusted.request('/healthz', { headers: { 'x-request-id': insane } });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const untrusted = createTestApp();
    const generated = await untrusted.request('/healthz', {
      headers: { 'x-request-id': 'lb-1234' },
    });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets browsers read the id of a cross-origin answer', async () => {
    const app = createTestApp();
    const response = await app.request('/run/v1/conversations', {
      headers: { origin: demoOrigin },
    });
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('censors secrets that any other line would carry', () => {
    const { logger, lines } = capturedLogger();
    logger.info(
      {
        token: 'tok-1',
        headers: { authorization: 'Bearer tok-2', 'x-api-key': 'sk_a.b', accept: '*/*' },
      },
      'oops',
    );
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({
      token: '[redacted]',
      headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', accept: '*/*' },
    });
  });

  it('follows LOG_LEVEL: at warn, successful requests write nothing', async () => {
    const { logger, lines } = capturedLogger('warn');
    const app = createTestApp({ logger });
    await app.request('/healthz');
    await app.request('/nowhere');
    expect(lines).toEqual([]);
  });
});
