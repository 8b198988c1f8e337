// Token farming and held streams: chat is budgeted per client (IPv4 address, IPv6 /64), per
// visitor (minute, day, streams at once) and per app, so minting tokens buys nothing, and an
// honest visitor elsewhere is still served during each attack.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, demoOrigin, requestChat, requestSession } from '../helpers.ts';
import { createHeldResponder, expectRateLimited } from './abuse-helpers.ts';

const hello = { messages: [{ role: 'user', content: 'Hello' }] };
const streamed = { ...hello, stream: true };

type TestApp = ReturnType<typeof createTestApp>;

async function token(app: TestApp, ip: string, appId = 'app_demo', origin = demoOrigin) {
  const response = await requestSession(app, { ip, appId, origin });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('chat budgets', () => {
  it('per client: tokens minted by one IP share its chat budget; other IPs and /64s are served', async () => {
    const app = createTestApp({ env: { INKEEP_IP_CHAT_RATE_LIMIT: '5' } });
    const farmed = await Promise.all(
      Array.from({ length: 6 }, (_, index) => token(app, `10.0.0.${index + 1}`)),
    );
    const attacker = '203.0.113.9';
    for (const [index, stolen] of farmed.slice(0, 5).entries()) {
      const response = await requestChat(app, stolen, hello, { ip: attacker });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(4 - index));
    }
    await expectRateLimited(await requestChat(app, farmed[5], hello, { ip: attacker }), 5);

    const honest = await token(app, '198.51.100.7');
    expect((await requestChat(app, honest, hello, { ip: '198.51.100.7' })).status).toBe(200);

    // IPv6: one /64 is one client, whatever address inside it.
    for (const stolen of farmed.slice(0, 5)) {
      const inside = `2001:db8:0:1::${Math.floor(Math.random() * 65_535).toString(16)}`;
      expect((await requestChat(app, stolen, hello, { ip: inside })).status).toBe(200);
    }
    await expectRateLimited(
      await requestChat(app, farmed[5], hello, { ip: '2001:db8:0:1:ffff::1' }),
      5,
    );
    expect((await requestChat(app, farmed[5], hello, { ip: '2001:db8:0:2::1' })).status).toBe(200);
  });

  it('per visitor: a minute budget and a day budget, each with its own env var', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2026, 0, 1));
    const app = createTestApp({
      now: () => Date.now(),
      env: { INKEEP_CHAT_RATE_LIMIT: '3', INKEEP_CHAT_DAILY_LIMIT: '5' },
    });
    const visitor = await token(app, '10.0.0.1');
    for (let index = 0; index < 3; index++) {
      expect((await requestChat(app, visitor, hello, { ip: '10.0.0.1' })).status).toBe(200);
    }
    await expectRateLimited(await requestChat(app, visitor, hello, { ip: '10.0.0.1' }), 3);
    // Another visitor on the same IP has their own budget.
    const neighbour = await token(app, '10.0.0.1');
    expect((await requestChat(app, neighbour, hello, { ip: '10.0.0.1' })).status).toBe(200);

    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 1, 1));
    for (let index = 0; index < 2; index++) {
      expect((await requestChat(app, visitor, hello, { ip: '10.0.0.1' })).status).toBe(200);
    }
    const overDay = await requestChat(app, visitor, hello, { ip: '10.0.0.1' });
    expect(Number(overDay.headers.get('retry-after'))).toBeGreaterThan(3600);
    await expectRateLimited(overDay, 5);

    vi.setSystemTime(Date.UTC(2026, 0, 2, 0, 2));
    expect((await requestChat(app, visitor, hello, { ip: '10.0.0.1' })).status).toBe(200);
  });

  it('per visitor and per client: answers generated at once are capped, and slots come back', async () => {
    const held = createHeldResponder();
    const app = createTestApp({
      responder: held.responder,
      env: { INKEEP_IP_CONCURRENT_STREAMS: '3' },
    });
    const ip = '10.0.0.5';
    const visitor = await token(app, ip);
    const open = [
      await requestChat(app, visitor, streamed, { ip }),
      await requestChat(app, visitor, streamed, { ip }),
    ];
    expect(open.map((response) => response.status)).toEqual([200, 200]);
    // The default allows two at once per visitor; the third waits, and stores nothing.
    await expectRateLimited(await requestChat(app, visitor, streamed, { ip }), 2);
    const list = await app.request(
      '/run/v1/conversations',
      { headers: { authorization: `Bearer ${visitor}`, origin: demoOrigin } },
      { incoming: { socket: { remoteAddress: ip } } },
    );
    expect(((await list.json()) as { pagination: { total: number } }).pagination.total).toBe(2);

    // A second visitor on the same IP takes the client's third slot; a third visitor is refused.
    const second = await token(app, ip);
    open.push(await requestChat(app, second, streamed, { ip }));
    expect(open[2]?.status).toBe(200);
    const third = await token(app, '10.0.0.6');
    await expectRateLimited(await requestChat(app, third, streamed, { ip }), 3);
    // The same visitor from elsewhere is served.
    expect((await requestChat(app, third, streamed, { ip: '10.0.0.6' })).status).toBe(200);
    expect(held.asked).toHaveLength(4);

    held.finishAll();
    for (const response of open) expect(await response.text()).toContain('[DONE]');
    const again = await requestChat(app, visitor, hello, { ip });
    expect(again.status).toBe(200);
  });

  it('a client that goes away gives its slot back', async () => {
    const held = createHeldResponder();
    const app = createTestApp({ responder: held.responder });
    const ip = '10.0.0.7';
    const visitor = await token(app, ip);
    const first = await requestChat(app, visitor, streamed, { ip });
    const second = await requestChat(app, visitor, streamed, { ip });
    await expectRateLimited(await requestChat(app, visitor, streamed, { ip }), 2);
    await first.body?.cancel();
    await second.body?.cancel();
    const third = await requestChat(app, visitor, streamed, { ip });
    expect(third.status).toBe(200);
    held.finishAll();
    await third.text();
  });

  it('per app: an operator-set budget for all its visitors together (0 = unlimited)', async () => {
    const app = createTestApp({ env: { INKEEP_APP_CHAT_RATE_LIMIT: '4' } });
    for (let index = 0; index < 4; index++) {
      const ip = `10.1.0.${index + 1}`;
      expect((await requestChat(app, await token(app, ip), hello, { ip })).status).toBe(200);
    }
    const late = await token(app, '10.1.0.9');
    await expectRateLimited(await requestChat(app, late, hello, { ip: '10.1.0.9' }), 4);
    // Another app's visitors are not affected.
    const origin = 'https://docs.example.com';
    const other = await token(app, '10.1.0.9', 'app_restricted', origin);
    const served = await requestChat(app, other, hello, {
      ip: '10.1.0.9',
      appId: 'app_restricted',
      origin,
    });
    expect(served.status).toBe(200);

    const unlimited = createTestApp();
    await unlimited.ready;
    const [counters] = unlimited.context.budgets.chat('10.1.0.9', 'visitor', 'app_demo');
    expect(counters.map((counter) => counter.name)).not.toContain('app-chat');
  });
});
