import { describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers.ts';

describe('GET /openapi.json', () => {
  it('describes every route the server answers', async () => {
    const response = await createTestApp().request('/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /healthz',
        'GET /openapi.json',
        'GET /run/auth/pow/challenge',
        'POST /run/auth/apps/{appId}/anonymous-session',
        'POST /run/v1/chat/completions',
        'GET /run/v1/conversations',
        'GET /run/v1/conversations/{id}',
        'DELETE /run/v1/conversations/{id}',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/apps',
        'POST /manage/tenants/{tenantId}/projects/{projectId}/apps',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}',
        'PATCH /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}',
        'DELETE /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/api-keys',
        'POST /manage/tenants/{tenantId}/projects/{projectId}/api-keys',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/api-keys/{id}',
        'DELETE /manage/tenants/{tenantId}/projects/{projectId}/api-keys/{id}',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/api-keys/{id}/usage',
      ].sort(),
    );
  });

  it('resolves every $ref', async () => {
    const text = await (await createTestApp().request('/openapi.json')).text();
    const document = JSON.parse(text) as { components: { schemas: Record<string, unknown> } };
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/(\w+)"/g)) {
      expect(document.components.schemas).toHaveProperty(name ?? '');
    }
  });
});
