// A scripted day in miniature — sessions with proof of work, a replayed solution, a refused app,
// chats, an upstream failure and a 429 — then /metrics is parsed and every counter must have
// moved by exactly what the scenario did.
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { Responder } from '../../../src/server/chat/responder.ts';
import {
  createMemorySharedState,
  type RunningServer,
  startServer,
  UpstreamError,
} from '../../../src/server/index.ts';
import {
  type ClassicChallenge,
  createTestApp,
  demoOrigin,
  keyInput,
  requestChat,
  requestSession,
  solveClassicChallenge,
  testApps,
  withTestLog,
} from '../helpers.ts';
import { createTestStores } from '../test-database.ts';

const adminKey = 'metrics-admin-metrics-admin-metrics-admin-01';
const env = {
  ADMIN_API_KEY: adminKey,
  INKEEP_POW_HMAC_SECRET: 'pow-secret-pow-secret-pow-secret-0123',
  INKEEP_POW_DIFFICULTY: '1000',
  INKEEP_CHAT_RATE_LIMIT: '3',
};

/** Answers "fine", or fails as an upstream model does when asked to. */
const responder: Responder = {
  model: 'test-model',
  async *respond({ messages }) {
    if (messages.at(-1)?.content === 'fail upstream') {
      throw new UpstreamError('The model upstream failed');
    }
    yield 'fine';
    yield ', thanks';
  },
};

/** Samples of the Prometheus text format: `name{a="b",c="d"}` → value (labels in given order). */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*(?:\{.*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    samples.set(match[1] as string, Number(match[2]));
  }
  return samples;
}

const admin = { headers: { 'x-api-key': adminKey } };

async function scrape(app: ReturnType<typeof createTestApp>) {
  const response = await app.request('/metrics', admin);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

async function challengeSolution(app: ReturnType<typeof createTestApp>) {
  const challenge = (await (
    await app.request('/run/auth/pow/challenge')
  ).json()) as ClassicChallenge;
  return solveClassicChallenge(challenge);
}

describe('GET /metrics after a scripted scenario', () => {
  it('moves each counter by what happened', async () => {
    const app = createTestApp({ env, responder });
    const before = await scrape(app);
    const moved = (after: Map<string, number>, name: string) =>
      (after.get(name) ?? 0) - (before.get(name) ?? 0);

    // Two sessions; the first one's solution is then replayed; one without a solution.
    const first = await challengeSolution(app);
    const issued = await requestSession(app, {
      headers: { 'x-inkeep-challenge-solution': first },
    });
    expect(issued.status).toBe(200);
    const { token } = (await issued.json()) as { token: string };
    const second = await requestSession(app, {
      headers: { 'x-inkeep-challenge-solution': await challengeSolution(app) },
      ip: '10.0.0.2',
    });
    expect(second.status).toBe(200);
    const replayed = await requestSession(app, {
      headers: { 'x-inkeep-challenge-solution': first },
      ip: '10.0.0.3',
    });
    expect(replayed.status).toBe(400);
    expect((await replayed.json()) as { code: string }).toMatchObject({ code: 'pow_invalid' });
    expect((await requestSession(app, { ip: '10.0.0.4' })).status).toBe(400);
    // A disabled app: refused before proof of work is looked at.
    expect((await requestSession(app, { appId: 'app_disabled', ip: '10.0.0.5' })).status).toBe(404);

    // Three chats (the visitor's budget), the second failing upstream mid-stream, then a 429.
    const chat = (content: string) =>
      requestChat(app, token, { messages: [{ role: 'user', content }], stream: true });
    for (const content of ['hello', 'fail upstream', 'again']) {
      const response = await chat(content);
      expect(response.status).toBe(200);
      await response.text();
    }
    const refused = await chat('one more');
    expect(refused.status).toBe(429);
    // A chat without a credential: counted for no app.
    expect((await requestChat(app, undefined, { messages: [] })).status).toBe(401);

    const after = await scrape(app);
    expect(moved(after, 'inkeep_sessions_issued_total{kind="anonymous",app="app_demo"}')).toBe(2);
    expect(
      moved(after, 'inkeep_sessions_refused_total{kind="anonymous",reason="pow_invalid"}'),
    ).toBe(1);
    expect(
      moved(after, 'inkeep_sessions_refused_total{kind="anonymous",reason="pow_required"}'),
    ).toBe(1);
    expect(moved(after, 'inkeep_sessions_refused_total{kind="anonymous",reason="not_found"}')).toBe(
      1,
    );
    expect(moved(after, 'inkeep_pow_verifications_total{result="ok"}')).toBe(2);
    expect(moved(after, 'inkeep_pow_verifications_total{result="pow_invalid"}')).toBe(1);
    expect(moved(after, 'inkeep_pow_verifications_total{result="pow_required"}')).toBe(1);
    expect(moved(after, 'inkeep_rate_limit_refusals_total{budget="chat"}')).toBe(1);
    expect(moved(after, 'inkeep_chat_requests_total{app="app_demo",status="200"}')).toBe(3);
    expect(moved(after, 'inkeep_chat_requests_total{app="app_demo",status="429"}')).toBe(1);
    expect(moved(after, 'inkeep_chat_requests_total{app="none",status="401"}')).toBe(1);
    expect(moved(after, 'inkeep_upstream_errors_total')).toBe(1);
    // Two answers began; all three ended (the failed one too).
    expect(moved(after, 'inkeep_time_to_first_token_seconds_count')).toBe(2);
    expect(moved(after, 'inkeep_stream_duration_seconds_count')).toBe(3);
    expect(after.get('inkeep_active_streams')).toBe(0);
    expect(after.get('inkeep_engine_up{engine="database"}')).toBe(1);
    expect(after.get('inkeep_engine_latency_seconds{engine="database"}')).toBeGreaterThanOrEqual(0);
    // Without Redis there is no redis sample at all.
    expect([...after.keys()].some((name) => name.includes('engine="redis"'))).toBe(false);
    expect(
      moved(
        after,
        'inkeep_http_requests_total{method="POST",route="/run/auth/apps/:appId/anonymous-session",status="200"}',
      ),
    ).toBe(2);
  });

  it('counts chats and sessions refused by the shared middleware as what they are', async () => {
    const app = createTestApp({ env, responder, settings: { bodyLimitBytes: 100 } });
    const before = await scrape(app);
    const moved = (after: Map<string, number>, name: string) =>
      (after.get(name) ?? 0) - (before.get(name) ?? 0);
    const tooLarge = (path: string) =>
      app.request(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': '200',
          origin: demoOrigin,
        },
        body: 'x'.repeat(200),
      });
    expect((await tooLarge('/run/v1/chat/completions')).status).toBe(413);
    expect((await tooLarge('/run/api/chat')).status).toBe(413);
    expect((await tooLarge('/run/auth/apps/app_demo/anonymous-session')).status).toBe(413);
    const after = await scrape(app);
    expect(moved(after, 'inkeep_chat_requests_total{app="none",status="413"}')).toBe(2);
    expect(
      moved(
        after,
        'inkeep_http_requests_total{method="POST",route="/run/v1/chat/completions",status="413"}',
      ),
    ).toBe(1);
    expect(
      moved(after, 'inkeep_http_requests_total{method="POST",route="/run/api/chat",status="413"}'),
    ).toBe(1);
    const refusedSessions = [...after.keys()].filter((name) =>
      name.startsWith('inkeep_sessions_refused_total{kind="anonymous"'),
    );
    expect(refusedSessions.map((name) => moved(after, name)).reduce((a, b) => a + b, 0)).toBe(1);
    expect([...after.keys()].some((name) => name.includes('route="/*"'))).toBe(false);
  });

  it('never labels a sample with a visitor id, a token or a raw path', async () => {
    const app = createTestApp({ env, responder });
    const token = (
      (await (
        await requestSession(app, {
          headers: { 'x-inkeep-challenge-solution': await challengeSolution(app) },
        })
      ).json()) as { token: string }
    ).token;
    const { sub } = JSON.parse(atob(token.split('.')[1] ?? '')) as { sub: string };
    const conversation = await requestChat(app, token, {
      messages: [{ role: 'user', content: 'hello' }],
      stream: false,
    });
    const id = conversation.headers.get('x-inkeep-conversation-id') ?? '';
    await app.request(`/run/v1/conversations/${id}`, {
      headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
    });
    await app.request('/no/such/path/with-a-secret-in-it');
    const text = await (await app.request('/metrics', admin)).text();
    expect(text).not.toContain(sub);
    expect(text).not.toContain(id);
    expect(text).not.toContain('with-a-secret-in-it');
    expect(text).toContain('route="/run/v1/conversations/:id"');
  });

  it('counts signed-in sessions as kind="user"', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const app = createTestApp({
      env,
      apps: [
        ...testApps.filter((each) => each.id !== 'app_demo'),
        {
          id: 'app_demo',
          name: 'Demo',
          config: {
            webClient: {
              allowedDomains: ['localhost'],
              signingKeys: [{ kid: 'k1', key: await exportJWK(pair.publicKey), alg: 'ES256' }],
            },
          },
        },
      ],
    });
    const before = await scrape(app);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'user-42', iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(pair.privateKey);
    const userSession = (body: unknown) =>
      app.request('/run/auth/apps/app_demo/user-session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: demoOrigin },
        body: JSON.stringify(body),
      });
    expect((await userSession({ token })).status).toBe(200);
    expect((await userSession({ token: `${token}x` })).status).toBe(401);
    const after = await scrape(app);
    const moved = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(moved('inkeep_sessions_issued_total{kind="user",app="app_demo"}')).toBe(1);
    const refusals = [...after.keys()].filter((name) =>
      name.startsWith('inkeep_sessions_refused_total{kind="user"'),
    );
    expect(refusals.map((name) => moved(name)).reduce((sum, count) => sum + count, 0)).toBe(1);
  });

  it('is for environment admin keys only', async () => {
    const stores = createTestStores({ shared: createMemorySharedState() });
    const app = createTestApp({ env, stores });
    const { key } = await (await stores).apiKeys.create(keyInput({ scopes: ['manage'] }));
    const none = await app.request('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    const stored = await app.request('/metrics', { headers: { 'x-api-key': key } });
    expect(stored.status).toBe(403);
    expect(await stored.json()).toMatchObject({ code: 'forbidden' });
    const bearer = await app.request('/metrics', {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(bearer.status).toBe(200);
  });
});

describe('INKEEP_METRICS_LISTEN', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close({ graceMs: 0 });
    server = undefined;
  });

  it('serves /metrics without credentials on its own address, and nothing else there', async () => {
    const shared = createMemorySharedState();
    server = await startServer(
      withTestLog({
        apps: testApps,
        stores: createTestStores({ shared }),
        shared,
        env: { INKEEP_METRICS_LISTEN: '127.0.0.1:0' },
        settings: { jwtSecret: 'test-secret-test-secret-test-secret-0123' },
        manageUi: false,
      }),
    );
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const response = await fetch(server.metricsUrl ?? '');
    expect(response.status).toBe(200);
    const samples = parseMetrics(await response.text());
    expect(
      samples.get('inkeep_http_requests_total{method="GET",route="/healthz",status="200"}'),
    ).toBe(1);
    const elsewhere = await fetch((server.metricsUrl ?? '').replace('/metrics', '/healthz'));
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ code: 'not_found' });
    // The main address still wants a credential.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });

  it('refuses to start with an address that is not host:port', async () => {
    await expect(
      startServer(
        withTestLog({
          apps: testApps,
          env: { INKEEP_METRICS_LISTEN: 'localhost' },
          settings: { jwtSecret: 'test-secret-test-secret-test-secret-0123' },
        }),
      ),
    ).rejects.toThrow(/INKEEP_METRICS_LISTEN must be host:port/);
  });
});
