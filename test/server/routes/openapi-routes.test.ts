import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it, vi } from 'vitest';
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
        'GET /livez',
        'GET /readyz',
        'GET /metrics',
        'GET /openapi.json',
        'GET /run/auth/pow/challenge',
        'POST /run/auth/apps/{appId}/anonymous-session',
        'POST /run/auth/apps/{appId}/user-session',
        'POST /run/v1/chat/completions',
        'POST /run/api/chat',
        'POST /run/v1/feedback',
        'GET /run/v1/conversations',
        'GET /run/v1/conversations/{id}',
        'DELETE /run/v1/conversations/{id}',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/apps',
        'POST /manage/tenants/{tenantId}/projects/{projectId}/apps',
        'POST /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}/sessions/revoke',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}',
        'PATCH /manage/tenants/{tenantId}/projects/{projectId}/api-keys/{id}',
        'PATCH /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}/feedback',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}/activity',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}/conversations',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}/conversations/{conversationId}',
        'DELETE /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/api-keys',
        'POST /manage/tenants/{tenantId}/projects/{projectId}/api-keys',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/api-keys/{id}',
        'DELETE /manage/tenants/{tenantId}/projects/{projectId}/api-keys/{id}',
        'GET /manage/tenants/{tenantId}/projects/{projectId}/api-keys/{id}/usage',
      ].sort(),
    );
  });

  it('documents the health answer the server gives, 200 and 503', async () => {
    const app = createTestApp();
    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: {
        schemas: { Health: { required: string[]; properties: Record<string, { enum: string[] }> } };
      };
    };
    expect(Object.keys(document.paths['/healthz']?.get?.responses ?? {})).toEqual(['200', '503']);
    const health = document.components.schemas.Health;
    const response = await app.request('/healthz');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual([...health.required].sort());
    for (const [field, value] of Object.entries(body)) {
      expect(health.properties[field]?.enum).toContain(value);
    }
    expect(body).toEqual({ status: 'ok', database: 'up', redis: 'unused' });
  });

  it('documents quota_exceeded on chat and service_unavailable where engines are involved', async () => {
    const document = (await (await createTestApp().request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    const chat = document.paths['/run/v1/chat/completions']?.post?.responses;
    expect(chat?.['429']?.description).toContain('quota_exceeded');
    const withoutEngine = ['GET /openapi.json', 'GET /run/auth/pow/challenge', 'GET /livez'];
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (withoutEngine.includes(name)) continue;
        expect(operation.responses, name).toHaveProperty('503');
      }
    }
  });

  it('resolves every $ref', async () => {
    const text = await (await createTestApp().request('/openapi.json')).text();
    const document = JSON.parse(text) as { components: { schemas: Record<string, unknown> } };
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/(\w+)"/g)) {
      expect(document.components.schemas).toHaveProperty(name ?? '');
    }
  });
});

describe('the generated document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const document = await (await createTestApp().request('/openapi.json')).json();
    const result = await new Validator().validate(document as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('declares every route the server registers, method and path', async () => {
    const app = createTestApp();
    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    const registered = new Set(
      app.routes
        // `ALL` entries are middleware (`use`: CORS preflights, authentication, body limits),
        // not routes. The dashboard's own files under /manage/ (HTML, scripts, hashed assets)
        // are a static site served beside the API, not part of it; the manage API lives under
        // /manage/tenants/ and is checked like every other route.
        .filter(({ method }) => method !== 'ALL')
        .filter(({ path }) => !path.startsWith('/manage') || path.startsWith('/manage/tenants/'))
        .map(({ method, path }) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`),
    );
    expect(registered.size).toBeGreaterThan(15);
    expect([...registered].filter((route) => !documented.has(route))).toEqual([]);
  });

  it('is generated once per server', async () => {
    const app = createTestApp();
    const first = await (await app.request('/openapi.json')).text();
    const spy = vi.spyOn(app, 'getOpenAPI31Document');
    expect(await (await app.request('/openapi.json')).text()).toBe(first);
    expect(spy).not.toHaveBeenCalled();
  });
});
