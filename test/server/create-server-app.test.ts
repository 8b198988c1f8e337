import { describe, expect, it } from 'vitest';
import { createTestApp } from './helpers.ts';

describe('createServerApp', () => {
  it('answers /healthz', async () => {
    const response = await createTestApp().request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
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
