import { describe, expect, it } from 'vitest';
import { createMemorySharedState, ProblemError } from '../../src/server/index.ts';
import {
  type ClassicChallenge,
  createTestApp,
  demoOrigin,
  getToken,
  requestSession,
  solveClassicChallenge,
} from './helpers.ts';
import { createTestStores } from './test-database.ts';

describe('createServerApp', () => {
  it('answers /healthz with each engine', async () => {
    const response = await createTestApp().request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'up', redis: 'unused' });
  });

  it('answers /healthz with 503 when the database is down, and routes with service_unavailable', async () => {
    const stores = await createTestStores();
    const app = createTestApp({ stores });
    await app.ready;
    // The database stops answering (its connection is closed under the server).
    stores.health = async () => 'down';
    stores.conversations.list = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
        code: 'ECONNREFUSED',
      });
    };
    const health = await app.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({
      status: 'unavailable',
      database: 'down',
      redis: 'unused',
    });
    const token = await getToken(app);
    const list = await app.request('/run/v1/conversations', {
      headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
    });
    expect(list.status).toBe(503);
    const body = await list.json();
    expect(body).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(JSON.stringify(body)).not.toContain('ECONNREFUSED');
  });

  it('answers /livez with 200 whatever the engines do: database down, state not opened, draining', async () => {
    const stores = await createTestStores();
    const app = createTestApp({ stores });
    await app.ready;
    stores.health = async () => 'down';
    expect((await app.request('/healthz')).status).toBe(503);
    const live = await app.request('/livez');
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(live.headers.get('x-request-id')).toBeTruthy();
    expect(await live.json()).toEqual({ status: 'alive' });
    app.context.drain.start();
    expect((await app.request('/livez')).status).toBe(200);
    const broken = createTestApp({ stores: Promise.reject(new Error('no database')) });
    expect((await broken.request('/livez')).status).toBe(200);
    expect((await broken.request('/healthz')).status).toBe(503);
  });

  it('answers 503 service_unavailable when its state cannot be opened', async () => {
    const app = createTestApp({ stores: Promise.reject(new Error('no database')) });
    const response = await app.request('/run/auth/apps/app_demo/anonymous-session', {
      method: 'POST',
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'service_unavailable' });
  });

  it('refuses a proof-of-work session with 503 when the replay memory cannot be reached', async () => {
    const shared = createMemorySharedState();
    shared.claim = async () => {
      throw new ProblemError(
        503,
        'service_unavailable',
        'Service unavailable: Redis is unreachable',
      );
    };
    const app = createTestApp({
      shared,
      env: { INKEEP_POW_HMAC_SECRET: 'pow-secret-pow-secret-pow-secret-012345' },
    });
    const challenge = (await (
      await app.request('/run/auth/pow/challenge')
    ).json()) as ClassicChallenge;
    const response = await requestSession(app, {
      headers: { 'x-inkeep-challenge-solution': await solveClassicChallenge(challenge) },
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'service_unavailable' });
  });

  it('answers preflights with 204, every requested header and the exposed headers', async () => {
    const response = await createTestApp().request('/run/v1/chat/completions', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://anywhere.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'authorization, content-type, x-inkeep-app-id, x-inkeep-challenge-solution, x-inkeep-client-timezone, x-inkeep-client-timestamp, inkeep-filters, x-inkeep-user-properties',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = response.headers.get('access-control-allow-headers') ?? '';
    for (const header of [
      'x-inkeep-challenge-solution',
      'inkeep-filters',
      'x-inkeep-user-properties',
    ]) {
      expect(allowed).toContain(header);
    }
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('puts CORS headers on problem responses too', async () => {
    const response = await createTestApp().request('/run/auth/apps/app_missing/anonymous-session', {
      method: 'POST',
      headers: { origin: 'https://anywhere.example' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toContain(
      'x-inkeep-conversation-id',
    );
    expect(response.headers.get('access-control-expose-headers')).toContain('Retry-After');
  });

  it('answers unknown routes with problem+json 404', async () => {
    const response = await createTestApp().request('/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('serves the PoW challenge only when enabled', async () => {
    const response = await createTestApp().request('/run/auth/pow/challenge');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      code: 'not_found',
      detail: 'PoW is not enabled',
    });
  });
});
