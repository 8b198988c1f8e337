import { describe, expect, it } from 'vitest';
import { createManageClient } from '../../src/manage/create-manage-client.ts';
import { describeError, ManageApiError } from '../../src/manage/manage-api-error.ts';

function recorder(respond: (request: Request) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    return respond(request);
  }) as typeof globalThis.fetch;
  return { requests, fetch };
}

const problem = (status: number, code: string, detail: string, headers = {}) =>
  new Response(JSON.stringify({ status, code, detail, error: { code, message: detail, status } }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

describe('createManageClient', () => {
  it('sends the key as X-API-Key, never in the URL, to the tenant and project', async () => {
    const { requests, fetch } = recorder(() => Response.json({ data: [] }));
    const client = createManageClient({
      apiKey: 'sk_secret.value',
      tenantId: 'acme',
      projectId: 'docs',
      baseUrl: 'http://server.test',
      fetch,
    });
    await client.listApps();
    await client.listKeys();
    const [apps, keys] = requests;
    expect(apps?.url).toBe('http://server.test/manage/tenants/acme/projects/docs/apps');
    expect(keys?.url).toBe('http://server.test/manage/tenants/acme/projects/docs/api-keys');
    for (const request of requests) {
      expect(request.headers.get('x-api-key')).toBe('sk_secret.value');
      expect(request.url).not.toContain('secret');
    }
  });

  it('posts JSON and reads data, and answers 204 with nothing', async () => {
    const { requests, fetch } = recorder((request) =>
      request.method === 'DELETE'
        ? new Response(null, { status: 204 })
        : Response.json({ data: { id: 'app_x', name: 'X' } }, { status: 201 }),
    );
    const client = createManageClient({ apiKey: 'k', baseUrl: 'http://s.test', fetch });
    expect(await client.createApp({ name: 'X' })).toEqual({ id: 'app_x', name: 'X' });
    expect(await requests[0]?.json()).toEqual({ name: 'X' });
    expect(requests[0]?.headers.get('content-type')).toBe('application/json');
    expect(await client.deleteApp('app_x')).toBeUndefined();
    expect(requests[1]?.url).toBe(
      'http://s.test/manage/tenants/default/projects/default/apps/app_x',
    );
  });

  it('revokes sessions of an app, for everyone or one visitor', async () => {
    const { requests, fetch } = recorder(async (request) => {
      const body = (await request.json()) as { sub?: string };
      return Response.json({
        data: { appId: 'app_x', sub: body.sub ?? null, revokedBefore: '2026-01-01T00:00:00.000Z' },
      });
    });
    const client = createManageClient({ apiKey: 'k', baseUrl: 'http://s.test', fetch });
    expect(await client.revokeSessions('app_x')).toEqual({
      appId: 'app_x',
      sub: null,
      revokedBefore: '2026-01-01T00:00:00.000Z',
    });
    expect((await client.revokeSessions('app_x', { sub: 'anon_1' })).sub).toBe('anon_1');
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.url).toBe(
      'http://s.test/manage/tenants/default/projects/default/apps/app_x/sessions/revoke',
    );
  });

  it('reads an app’s feedback summary', async () => {
    const summary = { counts: { positive: 2, negative: 1 }, latestNegative: [] };
    const { requests, fetch } = recorder(() => Response.json(summary));
    const client = createManageClient({ apiKey: 'k', baseUrl: 'http://s.test', fetch });
    expect(await client.appFeedback('app_x')).toEqual(summary);
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.url).toBe(
      'http://s.test/manage/tenants/default/projects/default/apps/app_x/feedback',
    );
  });

  it('turns problem+json into a ManageApiError naming the field', async () => {
    const { fetch } = recorder(() =>
      problem(
        400,
        'bad_request',
        'config.webClient.allowedDomains[1] is not a valid domain rule: "x y"',
      ),
    );
    const client = createManageClient({ apiKey: 'k', baseUrl: 'http://s.test', fetch });
    const error = await client.createApp({}).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ManageApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'bad_request',
      field: 'config.webClient.allowedDomains[1]',
    });
  });

  it('keeps Retry-After of a 429 and says it plainly', async () => {
    const { fetch } = recorder(() =>
      problem(429, 'rate_limit_exceeded', 'Rate limit exceeded', { 'retry-after': '17' }),
    );
    const client = createManageClient({ apiKey: 'k', baseUrl: 'http://s.test', fetch });
    const error = await client.listKeys().catch((failure: unknown) => failure);
    expect(error).toMatchObject({ status: 429, retryAfter: 17, field: undefined });
    expect(describeError(error)).toBe('Too many requests. Try again in 17 seconds.');
  });

  it('survives a body that is not JSON', async () => {
    const { fetch } = recorder(() => new Response('<html>bad gateway</html>', { status: 502 }));
    const client = createManageClient({ apiKey: 'k', baseUrl: 'http://s.test', fetch });
    await expect(client.listApps()).rejects.toMatchObject({ status: 502, message: 'HTTP 502' });
  });

  it('describes 401, 403 and network failures', () => {
    expect(describeError(new ManageApiError(401, 'unauthorized', 'Invalid API key'))).toMatch(
      /not accepted/,
    );
    expect(describeError(new ManageApiError(403, 'forbidden', 'No'))).toBe('Not allowed: No.');
    expect(describeError(new TypeError('fetch failed'))).toMatch(/could not be reached/);
  });
});
