import { decodeJwt } from 'jose';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createTestApp, demoOrigin, getToken, requestSession } from '../helpers.ts';

describe('POST /run/auth/apps/{appId}/anonymous-session', () => {
  it('issues an HS256 token with the contract claims', async () => {
    const now = Date.UTC(2026, 0, 1);
    const app = createTestApp({ now: () => now });
    const response = await requestSession(app);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { token: string; expiresAt: string };
    expect(body.expiresAt).toBe(new Date(now + 2_592_000_000).toISOString());
    const claims = decodeJwt(body.token);
    expect(Object.keys(claims)).toEqual(['sub', 'iss', 'iat', 'exp', 'tid', 'pid', 'app', 'type']);
    expect(claims).toMatchObject({
      iss: 'inkeep',
      iat: now / 1000,
      exp: now / 1000 + 2_592_000,
      tid: 'default',
      pid: 'default',
      app: 'app_demo',
      type: 'anonymous',
    });
    expect(claims.sub).toMatch(/^anon_[0-9a-f-]{36}$/);
    expect(JSON.parse(atob(body.token.split('.')[0] ?? ''))).toMatchObject({ alg: 'HS256' });
  });

  it('keeps the sub when a previous token of the same app is sent (rolling refresh)', async () => {
    const app = createTestApp();
    const first = await getToken(app);
    const response = await requestSession(app, { headers: { authorization: `Bearer ${first}` } });
    const second = ((await response.json()) as { token: string }).token;
    expect(decodeJwt(second).sub).toBe(decodeJwt(first).sub);
    const fresh = await getToken(app);
    expect(decodeJwt(fresh).sub).not.toBe(decodeJwt(first).sub);
  });

  it('does not keep the sub of a token from another app or a bad token', async () => {
    const app = createTestApp({
      apps: [
        { id: 'app_demo', config: { webClient: { allowedDomains: ['localhost'] } } },
        { id: 'app_other', config: { webClient: { allowedDomains: ['localhost'] } } },
      ],
    });
    const other = await getToken(app, 'app_other');
    const response = await requestSession(app, { headers: { authorization: `Bearer ${other}` } });
    expect(decodeJwt(((await response.json()) as { token: string }).token).sub).not.toBe(
      decodeJwt(other).sub,
    );
    const garbage = await requestSession(app, { headers: { authorization: 'Bearer nope' } });
    expect(garbage.status).toBe(200);
  });

  it.each([
    ['app_missing', demoOrigin, 404, 'not_found'],
    ['app_disabled', demoOrigin, 404, 'not_found'],
    ['app_api', demoOrigin, 400, 'bad_request'],
    ['app_private', demoOrigin, 401, 'anonymous_disabled'],
    ['app_restricted', demoOrigin, 403, 'origin_not_allowed'],
    ['app_demo', null, 403, 'origin_not_allowed'],
    ['app_demo', 'null', 403, 'origin_not_allowed'],
    ['app_demo', 'http://evil.test', 403, 'origin_not_allowed'],
  ])('%s from %s → %i %s', async (appId, origin, status, code) => {
    const app = createTestApp();
    const response = await requestSession(app, { appId, origin });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status, code, error: { code, status } });
    expect(body.detail).toEqual((body.error as { message: string }).message);
  });

  it('checks the app before the origin, and the origin before the rate limit', async () => {
    const app = createTestApp({ settings: { sessionRateLimit: 1 } });
    expect((await requestSession(app)).status).toBe(200);
    expect((await requestSession(app, { appId: 'app_private' })).status).toBe(401);
    expect((await requestSession(app, { origin: 'http://evil.test' })).status).toBe(403);
    expect((await requestSession(app)).status).toBe(429);
  });

  it('with proof of work, refuses over the budget only past the last level (rate limit before PoW)', async () => {
    const pow = {
      hmacSecret: 'pow-secret-pow-secret-pow-secret-0123',
      algorithm: 'SHA-256',
      difficulty: 10,
      cost: 1,
      challengeTtlSeconds: 300,
    };
    const levelled = createTestApp({ settings: { sessionRateLimit: 1, pow } });
    const first = await requestSession(levelled);
    expect(first.status).toBe(400);
    expect(first.headers.get('x-ratelimit-limit')).toBe('4');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('3');
    // Over the budget: still the PoW check (a harder one), until levels 1–3 are spent too.
    for (let i = 0; i < 3; i++) {
      expect(await (await requestSession(levelled)).json()).toMatchObject({ code: 'pow_required' });
    }
    expect((await requestSession(levelled)).status).toBe(429);

    const flat = createTestApp({ settings: { sessionRateLimit: 1, pow: { ...pow, maxLevel: 0 } } });
    expect((await requestSession(flat)).status).toBe(400);
    const refused = await requestSession(flat);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('1');
  });

  it('budgets challenges per client, with the contract headers on every answer', async () => {
    const app = createTestApp({
      env: {
        INKEEP_POW_HMAC_SECRET: 'pow-secret-pow-secret-pow-secret-0123',
        INKEEP_POW_CHALLENGE_RATE_LIMIT: '2',
      },
    });
    const ask = (ip: string) =>
      app.request('/run/auth/pow/challenge', {}, { incoming: { socket: { remoteAddress: ip } } });
    const first = await ask('10.0.0.1');
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    expect((await ask('10.0.0.1')).status).toBe(200);
    const refused = await ask('10.0.0.1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await refused.json()).toMatchObject({ code: 'rate_limit_exceeded' });
    expect((await ask('10.0.0.2')).status).toBe(200);
  });

  it('limits sessions per client IP with the contract headers', async () => {
    // The limiter's windows follow the system clock (as they do in Redis).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const app = createTestApp({ settings: { sessionRateLimit: 2 } });
    const first = await requestSession(app);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await requestSession(app)).status).toBe(200);
    const refused = await requestSession(app);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('x-ratelimit-reset')).toBe(String((1_000_000 + 60_000) / 1000));
    const body = (await refused.json()) as { error: { retry_after: number } };
    expect(body).toMatchObject({ code: 'rate_limit_exceeded', error: { retry_after: 60 } });
    expect((await requestSession(app, { ip: '10.0.0.2' })).status).toBe(200);
    vi.setSystemTime(1_000_000 + 60_001);
    expect((await requestSession(app)).status).toBe(200);
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    const plain = createTestApp({ settings: { sessionRateLimit: 1 } });
    const forwarded = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    expect((await requestSession(plain, forwarded('1.1.1.1'))).status).toBe(200);
    expect((await requestSession(plain, forwarded('2.2.2.2'))).status).toBe(429);
    const trusting = createTestApp({ settings: { sessionRateLimit: 1, trustProxy: true } });
    expect((await requestSession(trusting, forwarded('1.1.1.1'))).status).toBe(200);
    expect((await requestSession(trusting, forwarded('2.2.2.2'))).status).toBe(200);
    expect((await requestSession(trusting, forwarded('9.9.9.9, 2.2.2.2'))).status).toBe(429);
  });
});
