// Failed credentials are budgeted per client before anything is verified, and the one slow
// check (scrypt, for a stored key's first use on an instance) runs only within budgets per
// client and per key id: an attacker cannot make the server hash at will.
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createTestApp, demoOrigin, keyInput, requestChat, requestSession } from '../helpers.ts';
import { createTestStores } from '../test-database.ts';
import { expectRateLimited } from './abuse-helpers.ts';

const adminKey = 'abuse-admin-key-0123456789abcdef-0123456789';
const hello = { messages: [{ role: 'user', content: 'Hello' }] };
const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });

function countScrypt() {
  const scrypt = vi.spyOn(crypto, 'scrypt');
  syncBuiltinESMExports();
  onTestFinished(() => {
    scrypt.mockRestore();
    syncBuiltinESMExports();
  });
  return scrypt;
}

async function setUp(env: Record<string, string> = {}) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.UTC(2026, 0, 1));
  const now = () => Date.now();
  const stores = await createTestStores({ now });
  const app = createTestApp({
    stores,
    now,
    env: {
      INKEEP_ADMIN_API_KEY: adminKey,
      INKEEP_AUTH_FAILURE_LIMIT: '5',
      // Refusals are answered at once here; the test below holds them.
      INKEEP_AUTH_FAILURE_DELAY_MS: '0',
      ...env,
    },
  });
  const { key } = await stores.apiKeys.create(keyInput({ name: 'server' }));
  return { app, stores, key };
}

const keyChat = (app: ReturnType<typeof createTestApp>, key: string, ip: string) =>
  app.request(
    '/run/v1/chat/completions',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(hello),
    },
    from(ip),
  );

afterEach(() => {
  vi.useRealTimers();
});

describe('failed credentials', () => {
  it('bad JWTs spend the client’s failure budget; then even a good token from it waits, while other clients are served', async () => {
    const { app } = await setUp();
    const session = await requestSession(app, { ip: '198.51.100.1' });
    const { token } = (await session.json()) as { token: string };
    const attacker = '203.0.113.5';
    for (let index = 0; index < 5; index++) {
      const forged = `${token.slice(0, -4)}AAAA`;
      const response = await requestChat(app, forged, hello, { ip: attacker });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { detail: string }).detail).toBe('Invalid end-user JWT');
    }
    await expectRateLimited(await requestChat(app, token, hello, { ip: attacker }), 5);
    // One /64 is one client; another client is unaffected.
    expect((await requestChat(app, token, hello, { ip: '198.51.100.1' })).status).toBe(200);
    // After the window the client may try again.
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 1, 1));
    expect((await requestChat(app, token, hello, { ip: attacker })).status).toBe(200);
  });

  it('wrong admin keys: the guessing client waits, the admin elsewhere is served', async () => {
    const { app } = await setUp();
    const apps = '/manage/tenants/default/projects/default/apps';
    const attacker = '2001:db8:aa:1::1';
    for (let index = 0; index < 5; index++) {
      const response = await app.request(
        apps,
        { headers: { authorization: `Bearer ${adminKey.slice(0, -1)}${index}` } },
        from(`2001:db8:aa:1::${index + 2}`),
      );
      expect(response.status).toBe(401);
    }
    const refused = await app.request(
      apps,
      { headers: { authorization: `Bearer ${adminKey}` } },
      from(attacker),
    );
    await expectRateLimited(refused, 5);
    const admin = await app.request(
      apps,
      { headers: { authorization: `Bearer ${adminKey}` } },
      from('2001:db8:aa:2::1'),
    );
    expect(admin.status).toBe(200);
  });

  it('unknown and revoked key ids cost no hash at all', async () => {
    const { app, stores, key } = await setUp({ INKEEP_AUTH_FAILURE_LIMIT: '1000' });
    const scrypt = countScrypt();
    const [id, secret] = key.slice(3).split('.') as [string, string];
    for (let index = 0; index < 50; index++) {
      const unknown = `sk_${id.slice(0, -1)}${index % 10}x.${secret}`;
      expect((await keyChat(app, unknown, '203.0.113.6')).status).toBe(401);
    }
    await stores.apiKeys.revoke(id);
    for (let index = 0; index < 50; index++) {
      expect((await keyChat(app, `sk_${id}.${secret}${index}`, '203.0.113.6')).status).toBe(401);
    }
    expect(scrypt).toHaveBeenCalledTimes(0);
  });

  it('wrong secrets for a known id run scrypt only within the per-client and per-key-id budgets', async () => {
    const { app, key } = await setUp({ INKEEP_AUTH_FAILURE_LIMIT: '1000' });
    const [id] = key.slice(3).split('.') as [string];
    const scrypt = countScrypt();
    const wrong = (index: number) => `sk_${id}.wrong-secret-${String(index).padStart(8, '0')}`;
    // 32 guesses at once from one client: the client's slow-check budget (10) holds.
    const burst = await Promise.all(
      Array.from({ length: 32 }, (_, index) => keyChat(app, wrong(index), '203.0.113.7')),
    );
    const statuses = burst.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(22);
    expect(scrypt).toHaveBeenCalledTimes(10);
    // From many clients, the key id's own budget (10 a minute) holds too: nothing more is hashed.
    for (let index = 0; index < 20; index++) {
      const response = await keyChat(app, wrong(100 + index), `198.18.0.${index + 1}`);
      expect(response.status).toBe(429);
    }
    expect(scrypt).toHaveBeenCalledTimes(10);
    // A minute later the key verifies (one hash), and from then on costs none, even while
    // guesses go on.
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 1, 1));
    expect((await keyChat(app, key, '198.51.100.2')).status).toBe(200);
    expect(scrypt).toHaveBeenCalledTimes(1 + 10);
    for (let index = 0; index < 20; index++) {
      expect((await keyChat(app, wrong(200 + index), `198.18.1.${index + 1}`)).status).toBe(401);
    }
    expect((await keyChat(app, key, '198.51.100.2')).status).toBe(200);
    expect(scrypt).toHaveBeenCalledTimes(11);
  });

  it('an honest visitor is served while a key is being guessed', async () => {
    const { app, key } = await setUp();
    const [id] = key.slice(3).split('.') as [string];
    const session = await requestSession(app, { ip: '198.51.100.3', origin: demoOrigin });
    const { token } = (await session.json()) as { token: string };
    const guesses = Array.from({ length: 32 }, (_, index) =>
      keyChat(app, `sk_${id}.guess-${String(index).padStart(12, '0')}`, '203.0.113.8'),
    );
    const visitor = await requestChat(app, token, hello, { ip: '198.51.100.3' });
    expect(visitor.status).toBe(200);
    await Promise.all(guesses);
  });

  it('a client over its failure budget waits for each refusal, a bounded number at once', async () => {
    const { app } = await setUp({ INKEEP_AUTH_FAILURE_DELAY_MS: '200' });
    const attacker = '203.0.113.10';
    for (let index = 0; index < 5; index++) {
      expect((await requestChat(app, 'not-a-jwt', hello, { ip: attacker })).status).toBe(401);
    }
    const { failureTarpit } = app.context.budgets;
    const refusals = Array.from({ length: 8 }, () =>
      requestChat(app, 'not-a-jwt', hello, { ip: attacker }),
    );
    // Counted, not timed: all eight are held before any is answered.
    for (let turn = 0; failureTarpit.held < 8 && turn < 100; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(failureTarpit.held).toBe(8);
    for (const refusal of await Promise.all(refusals)) await expectRateLimited(refusal, 5);
    expect(failureTarpit.held).toBe(0);
  });
});
