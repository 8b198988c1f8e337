// Unmetered reads: every conversation read by an app credential (list, get, delete) counts
// against its client's read budget (IPv4 address, IPv6 /64), and a long conversation is read in
// pages, so a flood of reads can neither fetch megabytes each time nor starve another visitor.
import { describe, expect, it } from 'vitest';
import { createTestApp, demoOrigin, requestSession } from '../helpers.ts';
import { expectRateLimited } from './abuse-helpers.ts';

type TestApp = ReturnType<typeof createTestApp>;

async function token(app: TestApp, ip: string) {
  const response = await requestSession(app, { ip });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

function read(app: TestApp, path: string, bearer: string, ip: string, method = 'GET') {
  return app.request(
    path,
    {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        origin: demoOrigin,
        'x-inkeep-app-id': 'app_demo',
      },
    },
    { incoming: { socket: { remoteAddress: ip } } },
  );
}

/** The conversation owner a session token stands for. */
function ownerOf(bearer: string) {
  const claims = JSON.parse(Buffer.from(bearer.split('.')[1] ?? '', 'base64url').toString()) as {
    sub: string;
    app: string;
  };
  return { sub: claims.sub, appId: claims.app };
}

describe('conversation reads', () => {
  it('a flood from one IP gets 429 whatever it reads; another IP and another /64 are served', async () => {
    const app = createTestApp({ env: { INKEEP_IP_READ_RATE_LIMIT: '5' } });
    const attacker = '203.0.113.9';
    const visitor = await token(app, attacker);
    const { id } = await app.context.conversations.start(ownerOf(visitor), 'Mine', [
      { role: 'user', content: 'hello' },
    ]);
    const reads: [string, string][] = [
      ['/run/v1/conversations', 'GET'],
      [`/run/v1/conversations/${id}`, 'GET'],
      ['/run/v1/conversations?limit=0', 'GET'], // a refused parameter is still a read
      ['/run/v1/conversations/conv_missing', 'GET'],
      ['/run/v1/conversations/conv_missing', 'DELETE'],
    ];
    const statuses: number[] = [];
    for (const [index, [path, method]] of reads.entries()) {
      const response = await read(app, path, visitor, attacker, method);
      statuses.push(response.status);
      expect(response.headers.get('x-ratelimit-limit')).toBe('5');
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(4 - index));
      expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([200, 200, 400, 404, 404]);

    // Refused before the database is asked; new tokens from the same IP buy nothing.
    const statements = app.context.stores.statements;
    await expectRateLimited(await read(app, `/run/v1/conversations/${id}`, visitor, attacker), 5);
    const fresh = await token(app, attacker);
    await expectRateLimited(await read(app, '/run/v1/conversations', fresh, attacker), 5);
    await expectRateLimited(
      await read(app, `/run/v1/conversations/${id}`, visitor, attacker, 'DELETE'),
      5,
    );
    expect(app.context.stores.statements).toBe(statements);

    // The same visitor on another network, and an honest visitor, are served.
    const elsewhere = await read(app, `/run/v1/conversations/${id}`, visitor, '198.51.100.7');
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get('x-ratelimit-remaining')).toBe('4');
    const honest = await token(app, '198.51.100.8');
    expect((await read(app, '/run/v1/conversations', honest, '198.51.100.8')).status).toBe(200);

    // IPv6: the addresses of one /64 share a budget; the next /64 has its own.
    for (let index = 1; index <= 5; index++) {
      const inside = `2001:db8:0:1::${index.toString(16)}`;
      expect((await read(app, '/run/v1/conversations', honest, inside)).status).toBe(200);
    }
    await expectRateLimited(
      await read(app, '/run/v1/conversations', honest, '2001:db8:0:1:ffff::1'),
      5,
    );
    expect((await read(app, '/run/v1/conversations', honest, '2001:db8:0:2::1')).status).toBe(200);
  });

  it('API-key reads count against the key, not the client’s read budget', async () => {
    const app = createTestApp({
      env: { INKEEP_IP_READ_RATE_LIMIT: '1', VALID_API_KEYS: 'k'.repeat(40) },
    });
    for (let index = 0; index < 3; index++) {
      const response = await app.request(
        '/run/v1/conversations',
        { headers: { 'x-api-key': 'k'.repeat(40) } },
        { incoming: { socket: { remoteAddress: '203.0.113.9' } } },
      );
      expect(response.status).toBe(200);
    }
  });

  it('a 1 MB conversation is served in bounded pages, one statement each', async () => {
    const app = createTestApp();
    const ip = '10.0.0.9';
    const visitor = await token(app, ip);
    const kilobyte = 'x'.repeat(1023);
    const messages = Array.from({ length: 1024 }, (_, index) => ({
      role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `${index % 10}${kilobyte}`,
    }));
    const { id } = await app.context.conversations.start(ownerOf(visitor), 'Huge', messages);

    let path = `/run/v1/conversations/${id}`;
    const seen: string[] = [];
    const sizes: number[] = [];
    for (;;) {
      const statements = app.context.stores.statements;
      const response = await read(app, path, visitor, ip);
      expect(response.status).toBe(200);
      expect(app.context.stores.statements - statements).toBe(1);
      const text = await response.text();
      sizes.push(text.length);
      const body = JSON.parse(text) as {
        data: { messages: { content: string }[] };
        pagination: { hasMore: boolean; before: string | null };
      };
      seen.unshift(...body.data.messages.map((message) => message.content));
      if (!body.pagination.hasMore) break;
      path = `/run/v1/conversations/${id}?before=${body.pagination.before}`;
    }
    // 50 messages a page (each sent as content and parts): about 100 KB, never the whole 1 MB.
    expect(sizes).toHaveLength(Math.ceil(1024 / 50));
    expect(Math.max(...sizes)).toBeLessThan(50 * 2 * 1024 + 20_000);
    expect(seen).toEqual(messages.map((message) => message.content));
    // The largest page asked for is 200 messages.
    const largest = await read(app, `/run/v1/conversations/${id}?limit=200`, visitor, ip);
    expect((await largest.text()).length).toBeLessThan(200 * 2 * 1024 + 60_000);
    expect((await read(app, `/run/v1/conversations/${id}?limit=201`, visitor, ip)).status).toBe(
      400,
    );
  });
});
