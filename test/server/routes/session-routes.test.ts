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
