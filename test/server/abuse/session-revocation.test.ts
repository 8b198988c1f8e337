// Anonymous sessions can be revoked for a whole app ("sign out all visitors") or for one
// visitor: a revoked token is refused like any invalid one, a refresh with it starts a new
// visitor, other apps and visitors are unaffected, and every instance of a fleet agrees.
import { describe, expect, it } from 'vitest';
import { createMemorySharedState, type Database, openStores } from '../../../src/server/index.ts';
import { createTestApp, demoOrigin, invalidJwtProblem } from '../helpers.ts';
import { openTestDatabase } from '../test-database.ts';

type TestApp = ReturnType<typeof createTestApp>;

const adminKey = 'admin-key-admin-key-admin-key-0123456';
const manageBase = '/manage/tenants/default/projects/default/apps';
const otherOrigin = 'https://docs.example.com';

/** A clock in the middle of a second: tokens carry whole seconds. */
function createClock() {
  const clock = { now: Date.UTC(2026, 0, 1, 12, 0, 0, 500) };
  return { clock, now: () => clock.now };
}

const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });

async function session(
  app: TestApp,
  { appId = 'app_demo', origin = demoOrigin, ip = '10.0.0.1', previous = '' } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json', origin };
  if (previous) headers.authorization = `Bearer ${previous}`;
  const response = await app.request(
    `/run/auth/apps/${appId}/anonymous-session`,
    { method: 'POST', headers, body: '' },
    from(ip),
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

function subOf(token: string): string {
  return (
    JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      sub: string;
    }
  ).sub;
}

/** A visitor's read of their conversations: 200 while the session holds. */
function listConversations(
  app: TestApp,
  token: string,
  { appId = 'app_demo', origin = demoOrigin, ip = '10.0.0.1' } = {},
) {
  return app.request(
    '/run/v1/conversations',
    { headers: { authorization: `Bearer ${token}`, origin, 'x-inkeep-app-id': appId } },
    from(ip),
  );
}

function revoke(app: TestApp, body: unknown, appId = 'app_demo') {
  return app.request(
    `${manageBase}/${appId}/sessions/revoke`,
    {
      method: 'POST',
      headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
      body: body === undefined ? '' : JSON.stringify(body),
    },
    from('192.0.2.10'),
  );
}

async function expectRefused(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(await response.json()).toEqual(invalidJwtProblem);
}

const env = { INKEEP_ADMIN_API_KEY: adminKey };

describe('revoking every session of an app', () => {
  it('refuses tokens issued before, including earlier in the same second', async () => {
    const { clock, now } = createClock();
    const app = createTestApp({ now, env });
    const early = await session(app, { ip: '10.0.0.1' });
    clock.now += 300;
    const sameSecond = await session(app, { ip: '10.0.0.2' });
    const other = await session(app, { appId: 'app_restricted', origin: otherOrigin });
    expect((await listConversations(app, early, { ip: '10.0.0.1' })).status).toBe(200);

    clock.now += 100;
    const response = await revoke(app, undefined);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: { appId: 'app_demo', sub: null, revokedBefore: new Date(clock.now).toISOString() },
    });

    await expectRefused(await listConversations(app, early, { ip: '10.0.0.1' }));
    await expectRefused(await listConversations(app, sameSecond, { ip: '10.0.0.2' }));
    // Another app's visitors keep their sessions.
    const otherRead = await listConversations(app, other, {
      appId: 'app_restricted',
      origin: otherOrigin,
    });
    expect(otherRead.status).toBe(200);

    // A session issued right after (still in the revocation's second) holds.
    const after = await session(app, { ip: '10.0.0.3' });
    expect((await listConversations(app, after, { ip: '10.0.0.3' })).status).toBe(200);
    // The manage API shows when.
    const shown = await app.request(`${manageBase}/app_demo`, {
      headers: { 'x-api-key': adminKey },
    });
    expect(await shown.json()).toMatchObject({
      data: { sessionsRevokedBefore: new Date(clock.now).toISOString() },
    });
  });

  it('gives a refresh with a revoked token a new visitor id', async () => {
    const { clock, now } = createClock();
    const app = createTestApp({ now, env });
    const first = await session(app);
    // Before any revocation a refresh keeps the visitor.
    const refreshed = await session(app, { previous: first });
    expect(subOf(refreshed)).toBe(subOf(first));

    clock.now += 1000;
    expect((await revoke(app, {})).status).toBe(200);
    const fresh = await session(app, { previous: refreshed });
    expect(subOf(fresh)).not.toBe(subOf(first));
    expect((await listConversations(app, fresh)).status).toBe(200);
    // The fresh visitor's own refresh keeps its new id.
    clock.now += 1000;
    expect(subOf(await session(app, { previous: fresh }))).toBe(subOf(fresh));
  });

  it('takes an earlier time, and never moves back', async () => {
    const { clock, now } = createClock();
    const app = createTestApp({ now, env });
    const old = await session(app, { ip: '10.0.0.1' });
    clock.now += 60_000;
    const recent = await session(app, { ip: '10.0.0.2' });
    clock.now += 60_000;
    const between = new Date(clock.now - 90_000).toISOString();
    expect(await (await revoke(app, { before: between })).json()).toMatchObject({
      data: { revokedBefore: between },
    });
    await expectRefused(await listConversations(app, old, { ip: '10.0.0.1' }));
    expect((await listConversations(app, recent, { ip: '10.0.0.2' })).status).toBe(200);
    // An even earlier time leaves the later cutoff in force.
    const earlier = new Date(clock.now - 600_000).toISOString();
    expect(await (await revoke(app, { before: earlier })).json()).toMatchObject({
      data: { revokedBefore: between },
    });
    await expectRefused(await listConversations(app, old, { ip: '10.0.0.1' }));
  });
});

describe('revoking one visitor', () => {
  it('refuses only that visitor, and their refresh starts a new visitor', async () => {
    const { clock, now } = createClock();
    const app = createTestApp({ now, env });
    const target = await session(app, { ip: '10.0.0.1' });
    const bystander = await session(app, { ip: '10.0.0.2' });
    clock.now += 10;
    const response = await revoke(app, { sub: subOf(target) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: {
        appId: 'app_demo',
        sub: subOf(target),
        revokedBefore: new Date(clock.now).toISOString(),
      },
    });
    await expectRefused(await listConversations(app, target, { ip: '10.0.0.1' }));
    expect((await listConversations(app, bystander, { ip: '10.0.0.2' })).status).toBe(200);

    const renewed = await session(app, { previous: target, ip: '10.0.0.1' });
    expect(subOf(renewed)).not.toBe(subOf(target));
    expect((await listConversations(app, renewed, { ip: '10.0.0.1' })).status).toBe(200);
    // The bystander's refresh keeps their id.
    expect(subOf(await session(app, { previous: bystander, ip: '10.0.0.2' }))).toBe(
      subOf(bystander),
    );
  });

  it('reaches a visitor whose token was issued in the second of signing everyone out', async () => {
    const { clock, now } = createClock();
    const app = createTestApp({ now, env });
    expect((await revoke(app, undefined)).status).toBe(200);
    // Issued in the same second: it carries the next second, so that it survives the app's cutoff.
    clock.now += 100;
    const target = await session(app, { ip: '10.0.0.1' });
    const bystander = await session(app, { ip: '10.0.0.2' });
    expect((await listConversations(app, target, { ip: '10.0.0.1' })).status).toBe(200);
    clock.now += 100;
    expect((await revoke(app, { sub: subOf(target) })).status).toBe(200);
    await expectRefused(await listConversations(app, target, { ip: '10.0.0.1' }));
    expect((await listConversations(app, bystander, { ip: '10.0.0.2' })).status).toBe(200);
  });
});

const postgresUrl = process.env.INKEEP_TEST_POSTGRES_URL || undefined;
const engines = [
  { name: 'the embedded engine (PGlite)', url: undefined, missing: false },
  { name: 'PostgreSQL', url: postgresUrl, missing: !postgresUrl },
];

describe.each(engines)('revocation across instances on $name', ({ url, missing }) => {
  it.skipIf(missing)(
    'reaches a second instance on the same database and shared state, and survives restarts',
    async () => {
      const { clock, now } = createClock();
      const shared = createMemorySharedState({ now });
      const database = await openTestDatabase(url);
      // Instances after the first must not drop the shared schema when they close.
      const sharedDatabase = { ...database, close: async () => {} } as Database;
      const open = (db: Database) => openStores({ database: db, shared, now, refreshMs: 0 });
      const first = createTestApp({ stores: open(database), shared, now, env });
      const second = createTestApp({ stores: open(sharedDatabase), shared, now, env });
      await Promise.all([first.ready, second.ready]);

      const target = await session(first, { ip: '10.0.0.1' });
      const bystander = await session(second, { ip: '10.0.0.2' });
      const everyone = await session(second, { ip: '10.0.0.3' });
      expect((await listConversations(second, target, { ip: '10.0.0.1' })).status).toBe(200);

      clock.now += 10;
      expect((await revoke(first, { sub: subOf(target) })).status).toBe(200);
      // The notice reaches the second instance; its reload runs in the background.
      await expect
        .poll(async () => (await listConversations(second, target, { ip: '10.0.0.1' })).status)
        .toBe(401);
      expect((await listConversations(second, bystander, { ip: '10.0.0.2' })).status).toBe(200);

      // A third instance, started afterwards, reads both revocations from the database.
      clock.now += 1000;
      expect((await revoke(second, {})).status).toBe(200);
      await expect
        .poll(async () => (await listConversations(first, everyone, { ip: '10.0.0.3' })).status)
        .toBe(401);
      const third = createTestApp({ stores: open(sharedDatabase), shared, now, env });
      await third.ready;
      await expectRefused(await listConversations(third, target, { ip: '10.0.0.1' }));
      await expectRefused(await listConversations(third, everyone, { ip: '10.0.0.3' }));
      const fresh = await session(third, { ip: '10.0.0.4' });
      expect((await listConversations(first, fresh, { ip: '10.0.0.4' })).status).toBe(200);

      for (const app of [third, second, first]) await app.context.stores.close();
    },
  );

  it.skipIf(missing)(
    'drops visitor sign-outs older than the longest session, which no live token can predate',
    async () => {
      const { clock, now } = createClock();
      const shared = createMemorySharedState({ now });
      const database = await openTestDatabase(url);
      const sharedDatabase = { ...database, close: async () => {} } as Database;
      const hour = { INKEEP_ANON_SESSION_LIFETIME_SECONDS: '3600' };
      const open = (db: Database) =>
        openStores({ database: db, shared, now, refreshMs: 0, sessionLifetimeSeconds: 3600 });
      const first = createTestApp({
        stores: open(database),
        shared,
        now,
        env: { ...env, ...hour },
      });
      await first.ready;
      const signedOut = async () =>
        (await database.db.selectFrom('revoked_visitors').select('sub').execute()).map(
          ({ sub }) => sub,
        );
      const old = await session(first, { ip: '10.0.0.1' });
      clock.now += 10;
      expect((await revoke(first, { sub: subOf(old) })).status).toBe(200);
      clock.now += 1800_000;
      const recent = await session(first, { ip: '10.0.0.2' });
      clock.now += 10;
      expect((await revoke(first, { sub: subOf(recent) })).status).toBe(200);
      expect((await signedOut()).sort()).toEqual([subOf(old), subOf(recent)].sort());

      // An hour after the first sign-out every token it refused has expired: its row goes.
      clock.now += 1800_000;
      const second = createTestApp({
        stores: open(sharedDatabase),
        shared,
        now,
        env: { ...env, ...hour },
      });
      await second.ready;
      expect(await signedOut()).toEqual([subOf(recent)]);
      await expectRefused(await listConversations(second, old, { ip: '10.0.0.1' }));
      await expectRefused(await listConversations(second, recent, { ip: '10.0.0.2' }));

      for (const app of [second, first]) await app.context.stores.close();
    },
  );
});
