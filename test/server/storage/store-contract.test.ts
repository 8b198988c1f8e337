// One contract for the durable stores, run on every engine the server supports: the embedded
// PostgreSQL (PGlite, in this process) and a real PostgreSQL server (INKEEP_TEST_POSTGRES_URL,
// started by test/setup/engines.ts or scripts/test.mjs). Work is counted in SQL statements.
import { CompiledQuery, type KyselyPlugin, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type App,
  type ConversationOwner,
  createMemorySharedState,
  type Database,
  openStores,
  ProblemError,
  type ServerStores,
  type SharedState,
  type StorageQuotas,
} from '../../../src/server/index.ts';
import { keyInput } from '../helpers.ts';
import { openTestDatabase } from '../test-database.ts';

const postgresUrl = process.env.INKEEP_TEST_POSTGRES_URL || undefined;
const engines = [
  { name: 'the embedded engine (PGlite)', url: undefined, missing: false },
  { name: 'PostgreSQL', url: postgresUrl, missing: !postgresUrl },
];

const unlimited: StorageQuotas = {
  visitorConversations: 0,
  visitorBytes: 0,
  appConversations: 0,
  appBytes: 0,
};

const app = (id: string, overrides: Partial<App> = {}): App => ({
  id,
  tenantId: 'default',
  projectId: 'default',
  name: `App ${id}`,
  type: 'web_client',
  enabled: true,
  defaultAgentId: 'agent_demo',
  config: { webClient: { allowedDomains: ['localhost'], allowAnonymous: true } },
  ...overrides,
});

const visitor = (sub: string, appId = 'app_demo'): ConversationOwner => ({ sub, appId });
const user = (content: string) => ({ role: 'user' as const, content });
const assistant = (content: string) => ({ role: 'assistant' as const, content });

/** Expects `promise` to reject with a 429 `quota_exceeded` problem. */
async function expectQuotaRefusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProblemError);
  expect(error).toMatchObject({ status: 429, code: 'quota_exceeded' });
}

describe.each(engines)('the stores on $name', ({ url, missing }) => {
  if (missing) {
    it.skip('needs INKEEP_TEST_POSTGRES_URL (test/setup/engines.ts starts a PostgreSQL)', () => {});
    return;
  }

  let clock = Date.parse('2030-01-01T00:00:00Z');
  const now = () => clock;
  const tick = (ms = 1000) => {
    clock += ms;
  };
  const opened: ServerStores[] = [];
  afterEach(async () => {
    for (const stores of opened.splice(0).reverse()) await stores.close().catch(() => {});
  });

  /** Stores on a fresh schema; `also` opens more store sets on the same database. */
  async function open({
    quotas = unlimited,
    shared = createMemorySharedState({ now }),
  }: {
    quotas?: StorageQuotas;
    shared?: SharedState;
  } = {}) {
    const database: Database = await openTestDatabase(url);
    const stores = await openStores({ database, shared, quotas, now, refreshMs: 0 });
    opened.push(stores);
    const also = async () => {
      // A second instance on the same database: closing it must not drop the shared schema.
      const second = await openStores({
        database: { ...database, close: async () => {} } as Database,
        shared,
        quotas,
        now,
        refreshMs: 0,
      });
      opened.push(second);
      return second;
    };
    return { stores, database, also };
  }

  describe('apps', () => {
    it('puts, gets, lists by project, replaces and deletes', async () => {
      const { stores, database } = await open();
      if (url) expect(database.engine).toBe('postgres');
      const { apps } = stores;
      await apps.put(app('app_a'));
      await apps.put(app('app_b', { projectId: 'other' }));
      expect(apps.get('app_a')).toEqual(app('app_a'));
      expect(apps.list('default', 'default').map((found) => found.id)).toEqual(['app_a']);
      expect(apps.list('default', 'other').map((found) => found.id)).toEqual(['app_b']);

      await apps.put(app('app_a', { name: 'Renamed', enabled: false }));
      expect(apps.get('app_a')).toMatchObject({ name: 'Renamed', enabled: false });

      expect(await apps.delete('app_a')).toBe(true);
      expect(apps.get('app_a')).toBeUndefined();
      expect(await apps.delete('app_a')).toBe(false);
      expect(apps.list('default', 'default')).toEqual([]);
    });

    it('keeps what it wrote for another instance opened later on the same database', async () => {
      const { stores, also } = await open();
      await stores.apps.put(
        app('app_a', {
          config: {
            webClient: { allowedDomains: ['a.example', '*.b.example'], allowAnonymous: false },
          },
        }),
      );
      const second = await also();
      expect(second.apps.get('app_a')).toEqual(stores.apps.get('app_a'));
    });

    it('seeds only ids it has never seen, and never re-creates a deleted app', async () => {
      const { stores, also } = await open();
      const { apps } = stores;
      await apps.put(app('app_managed', { name: 'Made in the dashboard' }));
      expect(await apps.seed([app('app_one'), app('app_two'), app('app_managed')])).toEqual([
        'app_one',
        'app_two',
      ]);
      // An app made elsewhere first is not overwritten by the file.
      expect(apps.get('app_managed')?.name).toBe('Made in the dashboard');

      await apps.put(app('app_one', { name: 'Edited' }));
      expect(await apps.delete('app_two')).toBe(true);
      expect(await apps.seed([app('app_one'), app('app_two'), app('app_three')])).toEqual([
        'app_three',
      ]);
      expect(apps.get('app_one')?.name).toBe('Edited');
      expect(apps.get('app_two')).toBeUndefined();

      // Another instance (a restart) sees the same history.
      const second = await also();
      expect(await second.apps.seed([app('app_one'), app('app_two'), app('app_three')])).toEqual(
        [],
      );
      expect(second.apps.get('app_two')).toBeUndefined();
      expect(second.apps.get('app_one')?.name).toBe('Edited');
    });
    // An instance of a fleet started together loaded its cache before the other seeded: seed()
    // reads again the config apps it did not create.
    it('an instance that lost the seeding race still serves the config apps', async () => {
      const { stores, also } = await open();
      const second = await also();
      expect(await stores.apps.seed([app('app_config')])).toEqual(['app_config']);
      expect(await second.apps.seed([app('app_config')])).toEqual([]);
      expect(await second.apps.get('app_config')).toEqual(app('app_config'));
    });
  });

  describe('API keys', () => {
    it('creates, verifies, gets, lists by project and revokes', async () => {
      const { stores } = await open();
      const { apiKeys } = stores;
      const { key, record } = await apiKeys.create(keyInput({ name: 'first' }));
      expect(key).toMatch(/^sk_[A-Za-z0-9]+\.[A-Za-z0-9_-]+$/);
      expect(record.hash).not.toContain(key.split('.')[1]);
      tick();
      const other = await apiKeys.create(keyInput({ name: 'other', projectId: 'other' }));

      expect(await apiKeys.verify(key)).toMatchObject({ ok: true, record: { id: record.id } });
      // Twice: the second check takes the cached path.
      expect(await apiKeys.verify(key)).toMatchObject({ ok: true });
      const wrong = `${key.slice(0, -2)}${key.endsWith('xx') ? 'yy' : 'xx'}`;
      expect(await apiKeys.verify(wrong)).toEqual({
        ok: false,
        reason: 'unknown',
      });
      expect(await apiKeys.verify('sk_nobody123.abcdefghijklmnopqrstuvwx')).toEqual({
        ok: false,
        reason: 'unknown',
      });
      expect(await apiKeys.verify('not-a-key')).toEqual({ ok: false, reason: 'malformed' });

      expect(await apiKeys.get(record.id)).toMatchObject({
        id: record.id,
        name: 'first',
        scopes: ['chat', 'read'],
        revokedAt: null,
      });
      expect(await apiKeys.get('missing')).toBeUndefined();
      expect((await apiKeys.list('default', 'default')).map((found) => found.id)).toEqual([
        record.id,
      ]);
      expect((await apiKeys.list()).map((found) => found.id)).toEqual([record.id, other.record.id]);

      expect(await apiKeys.revoke(record.id)).toBe(true);
      expect(await apiKeys.verify(key)).toEqual({ ok: false, reason: 'revoked' });
      expect((await apiKeys.get(record.id))?.revokedAt).toBe(new Date(clock).toISOString());
      expect(await apiKeys.revoke('missing')).toBe(false);
      expect(await apiKeys.verify(other.key)).toMatchObject({ ok: true });
      // A revoked key is never changed (a caller that read it before the revocation included).
      const revoked = await apiKeys.get(record.id);
      await expect(apiKeys.update(record.id, { name: 'back' })).rejects.toMatchObject({
        status: 409,
        code: 'key_revoked',
      });
      expect(await apiKeys.get(record.id)).toEqual(revoked);
      expect(await apiKeys.update('missing', { name: 'x' })).toBeUndefined();
    });

    it('refuses a key once it has expired', async () => {
      const { stores } = await open();
      const expiresAt = new Date(clock + 60_000).toISOString();
      const { key } = await stores.apiKeys.create(keyInput({ expiresAt }));
      expect(await stores.apiKeys.verify(key)).toMatchObject({ ok: true });
      tick(60_000);
      expect(await stores.apiKeys.verify(key)).toEqual({ ok: false, reason: 'expired' });
    });

    it('keeps type, creator and threshold; updates reach the other instance’s verification', async () => {
      const { stores, also } = await open();
      const second = await also();
      const { key, record } = await stores.apiKeys.create(
        keyInput({
          type: 'personal',
          createdBy: 'env:admin',
          alertThreshold: 75,
          allowedIps: ['10.0.0.1'],
        }),
      );
      expect(record).toMatchObject({
        type: 'personal',
        createdBy: 'env:admin',
        alertThreshold: 75,
        alertedAt: null,
      });
      await expect.poll(async () => (await second.apiKeys.verify(key)).ok).toBe(true);
      const expiresAt = new Date(clock + 3_600_000).toISOString();
      const updated = await stores.apiKeys.update(record.id, {
        name: 'renamed',
        allowedIps: ['10.0.0.2'],
        rateLimit: 40,
        expiresAt,
      });
      expect(updated).toMatchObject({
        name: 'renamed',
        allowedIps: ['10.0.0.2'],
        rateLimit: 40,
        expiresAt,
      });
      await expect
        .poll(async () => {
          const check = await second.apiKeys.verify(key);
          return check.ok ? check.record.allowedIps : undefined;
        })
        .toEqual(['10.0.0.2']);
      const at = new Date(clock).toISOString();
      await stores.apiKeys.markAlerted(record.id, at);
      expect((await second.apiKeys.get(record.id))?.alertedAt).toBe(at);
      // A new rate limit clears the mark; an expiry set back to never is stored as null.
      expect(
        await stores.apiKeys.update(record.id, { rateLimit: 50, expiresAt: null }),
      ).toMatchObject({
        rateLimit: 50,
        expiresAt: null,
        alertedAt: null,
        alertThreshold: 75,
      });
      expect(await stores.apiKeys.update('missing', { name: 'x' })).toBeUndefined();
    });

    it('adds usage counted on two instances instead of overwriting', async () => {
      const { stores, also } = await open();
      const second = await also();
      const { key, record } = await stores.apiKeys.create(keyInput());
      // The second instance learns of the key by change notice.
      await expect.poll(async () => (await second.apiKeys.verify(key)).ok).toBe(true);

      stores.apiKeys.recordUsage(record.id, 200);
      stores.apiKeys.recordUsage(record.id, 201);
      second.apiKeys.recordUsage(record.id, 404);
      second.apiKeys.recordUsage(record.id, 500);
      second.apiKeys.recordUsage(record.id, 302);

      const [first] = await stores.apiKeys.list('default', 'default');
      expect(first?.usage).toEqual({
        total: 2,
        byStatus: { '2xx': 2, '3xx': 0, '4xx': 0, '5xx': 0 },
        lastUsedAt: new Date(clock).toISOString(),
      });
      const [both] = await second.apiKeys.list('default', 'default');
      expect(both?.usage).toMatchObject({
        total: 5,
        byStatus: { '2xx': 2, '3xx': 1, '4xx': 1, '5xx': 1 },
      });
      // Nothing pending is counted twice.
      await stores.apiKeys.flush();
      await second.apiKeys.flush();
      expect((await stores.apiKeys.get(record.id))?.usage.total).toBe(5);
    });
  });

  describe('conversations', () => {
    it('starts, appends in order, reads, and keeps each owner to their own', async () => {
      const { stores } = await open();
      const { conversations } = stores;
      const owner = visitor('anon_a');
      const started = await conversations.start(owner, 'Hello', [user('one')]);
      expect(started).toMatchObject({
        id: expect.stringMatching(/^conv_/),
        title: 'Hello',
        messageCount: 1,
        createdAt: new Date(clock).toISOString(),
      });
      tick();
      expect(await conversations.append(started.id, owner, [assistant('two')])).toBe(true);
      tick();
      expect(
        await conversations.append(started.id, owner, [user('three'), assistant('four')], {
          checkQuota: true,
        }),
      ).toBe(true);
      expect(await conversations.append(started.id, owner, [])).toBe(true);

      const found = await conversations.get(started.id, owner);
      expect(found).toMatchObject({
        id: started.id,
        title: 'Hello',
        messageCount: 4,
        createdAt: started.createdAt,
        updatedAt: new Date(clock).toISOString(),
      });
      expect(found?.messages.map(({ role, content }) => [role, content])).toEqual([
        ['user', 'one'],
        ['assistant', 'two'],
        ['user', 'three'],
        ['assistant', 'four'],
      ]);
      expect(new Set(found?.messages.map((message) => message.id)).size).toBe(4);

      // Another visitor, or the same visitor of another app, sees nothing and changes nothing.
      for (const stranger of [visitor('anon_b'), visitor('anon_a', 'app_other')]) {
        expect(await conversations.get(started.id, stranger)).toBeUndefined();
        expect(await conversations.append(started.id, stranger, [user('intruder')])).toBe(false);
        expect(await conversations.delete(started.id, stranger)).toBe(false);
        expect(await conversations.list(stranger, 1, 10)).toEqual({
          items: [],
          total: 0,
          hasMore: false,
        });
      }
      expect(await conversations.append('conv_missing', owner, [user('x')])).toBe(false);
      expect((await conversations.get(started.id, owner))?.messageCount).toBe(4);
    });

    it('lists pages newest first with the total', async () => {
      const { stores } = await open();
      const { conversations } = stores;
      const owner = visitor('anon_pages');
      const ids: string[] = [];
      for (let index = 0; index < 5; index++) {
        tick();
        ids.push(
          (await conversations.start(owner, `Conversation ${index}`, [user(`${index}`)])).id,
        );
      }
      await conversations.start(visitor('anon_else'), 'Not mine', [user('x')]);
      // Continuing the oldest makes it the newest.
      tick();
      await conversations.append(ids[0] as string, owner, [assistant('later')]);
      const newestFirst = [ids[0], ids[4], ids[3], ids[2], ids[1]];

      const pages = await Promise.all(
        [1, 2, 3, 4].map((page) => conversations.list(owner, page, 2)),
      );
      expect(pages.map((page) => page.total)).toEqual([5, 5, 5, 5]);
      expect(pages.map((page) => page.items.map((item) => item.id))).toEqual([
        newestFirst.slice(0, 2),
        newestFirst.slice(2, 4),
        newestFirst.slice(4),
        [],
      ]);
      expect(pages[0]?.items[0]).toMatchObject({ title: 'Conversation 0', messageCount: 2 });
    });

    it('reads a conversation in pages: the latest first, each page oldest first', async () => {
      const { stores } = await open();
      const { conversations } = stores;
      const owner = visitor('anon_paged');
      const seven = await conversations.start(
        owner,
        'Seven',
        Array.from({ length: 7 }, (_, index) => user(`${index + 1}`)),
      );
      const contents = async (before?: string, limit = 3) => {
        const found = await conversations.get(seven.id, owner, { limit, before });
        return [found?.messages.map((message) => message.content), found?.hasMore];
      };
      const latest = await conversations.get(seven.id, owner, { limit: 3 });
      expect(latest).toMatchObject({ id: seven.id, title: 'Seven', messageCount: 7 });
      expect(await contents()).toEqual([['5', '6', '7'], true]);
      const all = (await conversations.get(seven.id, owner))?.messages ?? [];
      const [first, second, , , fifth] = all.map((message) => message.id);
      expect(latest?.messages[0]?.id).toBe(fifth);
      expect(await contents(fifth)).toEqual([['2', '3', '4'], true]);
      expect(await contents(second)).toEqual([['1'], false]);
      expect(await contents(first)).toEqual([[], false]);
      expect(await contents(undefined, 7)).toEqual([['1', '2', '3', '4', '5', '6', '7'], false]);
      expect(await contents(undefined, 200)).toEqual([['1', '2', '3', '4', '5', '6', '7'], false]);
      // An exact multiple: the second of two full pages says nothing is left.
      const six = await conversations.start(owner, 'Six', [1, 2, 3, 4, 5, 6].map(String).map(user));
      const sixLatest = await conversations.get(six.id, owner, { limit: 3 });
      expect(sixLatest?.hasMore).toBe(true);
      const sixEarlier = await conversations.get(six.id, owner, {
        limit: 3,
        before: sixLatest?.messages[0]?.id,
      });
      expect(sixEarlier?.messages.map((message) => message.content)).toEqual(['1', '2', '3']);
      expect(sixEarlier?.hasMore).toBe(false);
      // Without a page, every message (the chat answers from the whole history).
      expect((await conversations.get(seven.id, owner))?.messages).toHaveLength(7);
      expect((await conversations.get(seven.id, owner))?.hasMore).toBe(false);

      // A message of another conversation, or none at all, is a bad `before`.
      for (const before of [sixLatest?.messages[0]?.id, 'msg_unknown']) {
        await expect(
          conversations.get(seven.id, owner, { limit: 3, before }),
        ).rejects.toMatchObject({ status: 400, code: 'bad_request' });
      }
      // Another owner, and a deleted conversation, are not found whatever the page.
      expect(
        await conversations.get(seven.id, visitor('anon_other'), { limit: 3 }),
      ).toBeUndefined();
      expect(
        await conversations.get(seven.id, visitor('anon_other'), { limit: 3, before: fifth }),
      ).toBeUndefined();
      await conversations.delete(seven.id, owner);
      expect(await conversations.get(seven.id, owner, { limit: 3, before: fifth })).toBeUndefined();
    });

    it('lists from a cursor, and says when more follow', async () => {
      const { stores } = await open();
      const { conversations } = stores;
      const owner = visitor('anon_cursor');
      expect(await conversations.list(owner, 1, 2)).toEqual({
        items: [],
        total: 0,
        hasMore: false,
      });
      const ids: string[] = [];
      for (let index = 0; index < 4; index++) {
        // Two at each instant: the id breaks the tie.
        if (index % 2 === 0) tick();
        ids.push((await conversations.start(owner, `${index}`, [user(`${index}`)])).id);
      }
      const newestFirst = [
        ...[ids[2], ids[3]].sort().reverse(),
        ...[ids[0], ids[1]].sort().reverse(),
      ] as string[];
      const first = await conversations.list(owner, 1, 2);
      expect(first.items.map((item) => item.id)).toEqual(newestFirst.slice(0, 2));
      expect(first).toMatchObject({ total: 4, hasMore: true });
      // An exact multiple: the last full page says nothing follows.
      expect(await conversations.list(owner, 2, 2)).toMatchObject({ hasMore: false });
      const last = first.items[1];
      const cursor = { updatedAt: last?.updatedAt ?? '', id: last?.id ?? '' };
      const rest = await conversations.list(owner, 1, 2, cursor);
      expect(rest.items.map((item) => item.id)).toEqual(newestFirst.slice(2));
      expect(rest).toMatchObject({ total: 4, hasMore: false });
      expect((await conversations.list(owner, 1, 1, cursor)).hasMore).toBe(true);
      expect((await conversations.list(owner, 2, 1, cursor)).items.map((item) => item.id)).toEqual(
        newestFirst.slice(3),
      );
      expect((await conversations.list(visitor('anon_else'), 1, 2, cursor)).items).toEqual([]);
    });

    it('deletes for good, messages included', async () => {
      const { stores, database } = await open();
      const { conversations } = stores;
      const owner = visitor('anon_delete');
      const kept = await conversations.start(owner, 'Kept', [user('stay')]);
      const gone = await conversations.start(owner, 'Gone', [user('a'), assistant('b')]);
      expect(await conversations.delete(gone.id, owner)).toBe(true);
      expect(await conversations.get(gone.id, owner)).toBeUndefined();
      expect(await conversations.append(gone.id, owner, [user('again')])).toBe(false);
      expect(await conversations.delete(gone.id, owner)).toBe(false);
      expect(await conversations.list(owner, 1, 10)).toMatchObject({
        total: 1,
        items: [{ id: kept.id }],
      });
      const rows = await database.db
        .selectFrom('messages')
        .select('conversation_id')
        .where('conversation_id', '=', gone.id)
        .execute();
      expect(rows).toEqual([]);
    });

    it('transfers a visitor’s conversations to another owner once, with their counts', async () => {
      const { stores } = await open();
      const { conversations } = stores;
      const from = visitor('anon_transfer');
      const to = visitor('user_transfer');
      const a = await conversations.start(from, 'A', [user('12'), assistant('345')]);
      const b = await conversations.start(from, 'B', [user('6')]);
      const c = await conversations.start(from, 'C', [user('7')]);
      await conversations.start(to, 'Own', [user('8')]);
      expect(await conversations.transfer(from, to.sub, b.id)).toEqual([b.id]);
      expect((await conversations.transfer(from, to.sub)).sort()).toEqual([a.id, c.id].sort());
      expect(await conversations.transfer(from, to.sub)).toEqual([]);
      expect((await conversations.list(from, 1, 10)).total).toBe(0);
      const list = await conversations.list(to, 1, 10);
      expect(list.total).toBe(4);
      expect(list.items.map(({ id }) => id)).toEqual(expect.arrayContaining([a.id, b.id, c.id]));
      expect(await conversations.get(a.id, from)).toBeUndefined();
      expect((await conversations.get(a.id, to))?.messages.map(({ content }) => content)).toEqual([
        '12',
        '345',
      ]);
      // A conversation of another app is never taken.
      const elsewhere = { sub: 'anon_transfer', appId: 'app_other' };
      const kept = await conversations.start(elsewhere, 'Kept', [user('9')]);
      expect(await conversations.transfer(from, to.sub, kept.id)).toEqual([]);
      expect(await conversations.get(kept.id, elsewhere)).toBeDefined();
    });

    it('transfers nothing the receiver’s quotas could not hold', async () => {
      const { stores } = await open({ quotas: { ...unlimited, visitorConversations: 2 } });
      const { conversations } = stores;
      const from = visitor('anon_full');
      const to = visitor('user_full');
      const a = await conversations.start(from, 'A', [user('1')]);
      const b = await conversations.start(from, 'B', [user('2')]);
      await conversations.start(to, 'Own', [user('3')]);
      expect(await conversations.transfer(from, to.sub)).toEqual([]);
      expect((await conversations.list(from, 1, 10)).total).toBe(2);
      expect(await conversations.transfer(from, to.sub, b.id)).toEqual([b.id]);
      expect((await conversations.list(to, 1, 10)).total).toBe(2);
      expect(await conversations.get(a.id, from)).toBeDefined();
    });

    it('removes only the last answer, once, with its bytes, in one statement', async () => {
      const { stores, database } = await open({ quotas: { ...unlimited, visitorBytes: 10 } });
      const { conversations } = stores;
      const owner = visitor('anon_regenerate');
      const started = await conversations.start(owner, 'Again', [user('1234'), assistant('éé')]);
      const [question, answer] = (await conversations.get(started.id, owner))?.messages ?? [];
      if (!question || !answer) throw new Error('the conversation was not stored');
      expect(await conversations.removeLastAnswer(started.id, owner, question.id)).toBe(false);
      expect(
        await conversations.removeLastAnswer(started.id, visitor('anon_else'), answer.id),
      ).toBe(false);
      expect(await conversations.removeLastAnswer('conv_missing', owner, answer.id)).toBe(false);

      const before = stores.statements;
      expect(await conversations.removeLastAnswer(started.id, owner, answer.id)).toBe(true);
      expect(stores.statements - before).toBe(1);
      expect(await conversations.removeLastAnswer(started.id, owner, answer.id)).toBe(false);
      const left = await conversations.get(started.id, owner);
      expect(left?.messageCount).toBe(1);
      expect(left?.messages.map((message) => message.content)).toEqual(['1234']);
      const row = await database.db
        .selectFrom('conversations')
        .select('bytes')
        .where('id', '=', started.id)
        .executeTakeFirst();
      expect(Number(row?.bytes)).toBe(4);
      // The answer's 4 bytes are free again (exactly at the quota), and a new answer takes
      // the removed one's place in order.
      expect(
        await conversations.append(started.id, owner, [user('123456')], { checkQuota: true }),
      ).toBe(true);
      await expectQuotaRefusal(
        conversations.append(started.id, owner, [user('.')], { checkQuota: true }),
      );
      expect(await conversations.append(started.id, owner, [assistant('new')])).toBe(true);
      const after = await conversations.get(started.id, owner);
      expect(after?.messages.map((message) => message.content)).toEqual(['1234', '123456', 'new']);
      // Not the last message any more: an earlier answer is never removed.
      await conversations.append(started.id, owner, [user('later')]);
      const last = after?.messages.at(-1);
      expect(await conversations.removeLastAnswer(started.id, owner, last?.id ?? '')).toBe(false);
    });
  });

  describe('conversations under client-made ids', () => {
    it('starts once under the id: a taken id (this owner or another) starts nothing', async () => {
      const { stores } = await open();
      const { conversations } = stores;
      const owner = visitor('anon_client_ids');
      const id = 'conv_client_made_0001';
      const started = await conversations.startWithId(id, owner, 'Mine', [user('one')]);
      expect(started).toMatchObject({ id, title: 'Mine', messageCount: 1 });
      expect(await conversations.startWithId(id, owner, 'Again', [user('two')])).toBeUndefined();
      expect(
        await conversations.startWithId(id, visitor('anon_other'), 'Theirs', [user('three')]),
      ).toBeUndefined();
      const found = await conversations.get(id, owner);
      expect(found?.title).toBe('Mine');
      expect(found?.messages.map((message) => message.content)).toEqual(['one']);
      expect((await conversations.list(owner, 1, 10)).total).toBe(1);
      expect((await conversations.list(visitor('anon_other'), 1, 10)).total).toBe(0);
      // Deleted, the id is free again.
      expect(await conversations.delete(id, owner)).toBe(true);
      expect(
        await conversations.startWithId(id, visitor('anon_other'), 'New', [user('x')]),
      ).toMatchObject({ id });
    });

    it('first uses that race make one row; the others learn the id is taken', async () => {
      const { stores, also } = await open();
      const second = await also();
      const id = 'conv_client_made_race';
      const owners = [
        visitor('anon_r1'),
        visitor('anon_r2'),
        visitor('anon_r1'),
        visitor('anon_r3'),
      ];
      const results = await Promise.all(
        owners.map((owner, index) =>
          (index % 2 ? second : stores).conversations.startWithId(id, owner, `T${index}`, [
            user(`q${index}`),
          ]),
        ),
      );
      const winners = results.flatMap((result, index) => (result ? [index] : []));
      expect(winners).toHaveLength(1);
      const winner = owners[winners[0] ?? 0] as ConversationOwner;
      const found = await stores.conversations.get(id, winner);
      expect(found?.messages.map((message) => message.content)).toEqual([`q${winners[0]}`]);
      const rows = await stores.conversations.list(winner, 1, 10);
      expect(rows.total).toBe(1);
    });

    it('stores a message under the id it was given', async () => {
      const { stores } = await open();
      const owner = visitor('anon_ids');
      const started = await stores.conversations.start(owner, 'Ids', [user('q')]);
      await stores.conversations.append(started.id, owner, [
        { id: 'msg_chosen_0001', role: 'assistant', content: 'a' },
      ]);
      const found = await stores.conversations.get(started.id, owner);
      expect(found?.messages.at(-1)).toMatchObject({ id: 'msg_chosen_0001', content: 'a' });
    });
  });

  describe('feedback', () => {
    async function answeredTurns(stores: ServerStores, owner: ConversationOwner, count: number) {
      const turns: { conversationId: string; answerId: string; questionId: string }[] = [];
      for (let index = 0; index < count; index++) {
        const started = await stores.conversations.start(owner, `T${index}`, [
          user(`question ${index}`),
          assistant(`answer ${index}`),
        ]);
        const [question, answer] =
          (await stores.conversations.get(started.id, owner))?.messages ?? [];
        turns.push({
          conversationId: started.id,
          answerId: answer?.id ?? '',
          questionId: question?.id ?? '',
        });
      }
      return turns;
    }

    it('puts one feedback a message in one statement, replacing, only on the owner’s answers', async () => {
      const { stores } = await open();
      const owner = visitor('anon_feedback');
      const [turn] = await answeredTurns(stores, owner, 1);
      if (!turn) throw new Error('no turn');
      const before = stores.statements;
      const first = await stores.feedback.put(owner, {
        conversationId: turn.conversationId,
        messageId: turn.answerId,
        type: 'positive',
        details: null,
      });
      expect(stores.statements - before).toBe(1);
      expect(first).toEqual({
        replaced: false,
        feedback: {
          id: expect.stringMatching(/^fb_/),
          conversationId: turn.conversationId,
          messageId: turn.answerId,
          type: 'positive',
          details: null,
          createdAt: new Date(clock).toISOString(),
        },
      });
      tick();
      const second = await stores.feedback.put(owner, {
        conversationId: turn.conversationId,
        messageId: turn.answerId,
        type: 'negative',
        details: 'No',
      });
      expect(second).toMatchObject({
        replaced: true,
        feedback: { id: first?.feedback.id, type: 'negative', details: 'No' },
      });
      for (const [who, messageId, conversationId] of [
        [visitor('anon_else'), turn.answerId, turn.conversationId],
        [visitor('anon_feedback', 'app_other'), turn.answerId, turn.conversationId],
        [owner, turn.questionId, turn.conversationId],
        [owner, 'msg_unknown', turn.conversationId],
        [owner, turn.answerId, 'conv_another_one_0001'],
      ] as const) {
        expect(
          await stores.feedback.put(who, {
            conversationId,
            messageId,
            type: 'positive',
            details: null,
          }),
        ).toBeUndefined();
      }
      expect(
        (await stores.feedback.summary('app_demo', { limit: 20, textLimit: 500 })).counts,
      ).toEqual({ positive: 0, negative: 1 });
    });

    it('summarizes an app: counts, the latest negatives newest first with question and answer', async () => {
      const { stores } = await open();
      const owner = visitor('anon_summary');
      const turns = await answeredTurns(stores, owner, 25);
      for (const [index, turn] of turns.entries()) {
        tick();
        await stores.feedback.put(owner, {
          conversationId: turn.conversationId,
          messageId: turn.answerId,
          type: index % 5 === 0 ? 'positive' : 'negative',
          details: `d${index}`,
        });
      }
      // Another app's feedback is not counted.
      const [elsewhere] = await answeredTurns(stores, visitor('anon_x', 'app_other'), 1);
      await stores.feedback.put(visitor('anon_x', 'app_other'), {
        conversationId: elsewhere?.conversationId ?? '',
        messageId: elsewhere?.answerId ?? '',
        type: 'negative',
        details: null,
      });
      const before = stores.statements;
      const summary = await stores.feedback.summary('app_demo', { limit: 3, textLimit: 6 });
      expect(stores.statements - before).toBe(1);
      expect(summary.counts).toEqual({ positive: 5, negative: 20 });
      expect(summary.latestNegative).toEqual([
        {
          conversationId: turns[24]?.conversationId,
          messageId: turns[24]?.answerId,
          details: 'd24',
          createdAt: expect.any(String),
          question: 'questi',
          answer: 'answer',
        },
        expect.objectContaining({ details: 'd23' }),
        expect.objectContaining({ details: 'd22' }),
      ]);
      expect(await stores.feedback.summary('app_none', { limit: 3, textLimit: 6 })).toEqual({
        counts: { positive: 0, negative: 0 },
        latestNegative: [],
      });
    });

    it('goes with its conversation and with its answer', async () => {
      const { stores } = await open();
      const owner = visitor('anon_cascade');
      const [kept, gone] = await answeredTurns(stores, owner, 2);
      if (!kept || !gone) throw new Error('no turns');
      for (const turn of [kept, gone]) {
        await stores.feedback.put(owner, {
          conversationId: turn.conversationId,
          messageId: turn.answerId,
          type: 'negative',
          details: null,
        });
      }
      expect(await stores.conversations.delete(gone.conversationId, owner)).toBe(true);
      const summary = await stores.feedback.summary('app_demo', { limit: 20, textLimit: 500 });
      expect(summary.counts.negative).toBe(1);
      expect(summary.latestNegative.map((entry) => entry.conversationId)).toEqual([
        kept.conversationId,
      ]);
      expect(
        await stores.conversations.removeLastAnswer(kept.conversationId, owner, kept.answerId),
      ).toBe(true);
      expect(
        (await stores.feedback.summary('app_demo', { limit: 20, textLimit: 500 })).counts,
      ).toEqual({ positive: 0, negative: 0 });
    });
  });

  describe('quotas refuse, delete nothing, and free up when the owner deletes', () => {
    it('visitorConversations', async () => {
      const { stores } = await open({ quotas: { ...unlimited, visitorConversations: 2 } });
      const { conversations } = stores;
      const owner = visitor('anon_full');
      const first = await conversations.start(owner, 'One', [user('1')]);
      await conversations.start(owner, 'Two', [user('2')]);
      await expectQuotaRefusal(conversations.start(owner, 'Three', [user('3')]));
      expect((await conversations.list(owner, 1, 10)).total).toBe(2);
      expect(await conversations.get(first.id, owner)).toBeDefined();
      // Per visitor: someone else still has room; the full visitor may still continue.
      await conversations.start(visitor('anon_other'), 'Mine', [user('x')]);
      expect(
        await conversations.append(first.id, owner, [user('more')], { checkQuota: true }),
      ).toBe(true);

      expect(await conversations.delete(first.id, owner)).toBe(true);
      await conversations.start(owner, 'Three', [user('3')]);
      expect((await conversations.list(owner, 1, 10)).total).toBe(2);
    });

    it('visitorBytes', async () => {
      const { stores } = await open({ quotas: { ...unlimited, visitorBytes: 10 } });
      const { conversations } = stores;
      const owner = visitor('anon_bytes');
      const first = await conversations.start(owner, 'One', [user('123456')]);
      await expectQuotaRefusal(
        conversations.append(first.id, owner, [user('12345')], { checkQuota: true }),
      );
      await expectQuotaRefusal(conversations.start(owner, 'Two', [user('12345')]));
      expect((await conversations.get(first.id, owner))?.messages).toHaveLength(1);
      expect((await conversations.list(owner, 1, 10)).total).toBe(1);
      // Exactly at the limit is allowed; multi-byte text counts in bytes (é is 2).
      expect(await conversations.append(first.id, owner, [user('éé')], { checkQuota: true })).toBe(
        true,
      );
      await expectQuotaRefusal(
        conversations.append(first.id, owner, [user('.')], { checkQuota: true }),
      );
      await conversations.start(visitor('anon_other'), 'Other', [user('1234567890')]);

      expect(await conversations.delete(first.id, owner)).toBe(true);
      await conversations.start(owner, 'Again', [user('1234567890')]);
    });

    it('appConversations', async () => {
      const { stores } = await open({ quotas: { ...unlimited, appConversations: 2 } });
      const { conversations } = stores;
      const first = await conversations.start(visitor('anon_1'), 'One', [user('1')]);
      await conversations.start(visitor('anon_2'), 'Two', [user('2')]);
      await expectQuotaRefusal(conversations.start(visitor('anon_3'), 'Three', [user('3')]));
      expect((await conversations.list(visitor('anon_1'), 1, 10)).total).toBe(1);
      expect((await conversations.list(visitor('anon_2'), 1, 10)).total).toBe(1);
      expect((await conversations.list(visitor('anon_3'), 1, 10)).total).toBe(0);
      // Per app: another app has room.
      await conversations.start(visitor('anon_3', 'app_other'), 'Elsewhere', [user('3')]);

      expect(await conversations.delete(first.id, visitor('anon_1'))).toBe(true);
      await conversations.start(visitor('anon_3'), 'Three', [user('3')]);
    });

    it('appBytes', async () => {
      const { stores } = await open({ quotas: { ...unlimited, appBytes: 10 } });
      const { conversations } = stores;
      const first = await conversations.start(visitor('anon_1'), 'One', [user('12345')]);
      const second = await conversations.start(visitor('anon_2'), 'Two', [user('1234')]);
      await expectQuotaRefusal(conversations.start(visitor('anon_3'), 'Three', [user('12')]));
      await expectQuotaRefusal(
        conversations.append(second.id, visitor('anon_2'), [user('12')], { checkQuota: true }),
      );
      expect((await conversations.get(first.id, visitor('anon_1')))?.messages).toHaveLength(1);
      expect((await conversations.get(second.id, visitor('anon_2')))?.messages).toHaveLength(1);
      await conversations.start(visitor('anon_3', 'app_other'), 'Elsewhere', [user('1234567890')]);

      expect(await conversations.delete(first.id, visitor('anon_1'))).toBe(true);
      await conversations.start(visitor('anon_3'), 'Three', [user('12')]);
    });

    it('an answer to an accepted turn is always stored, even past a quota', async () => {
      const { stores } = await open({
        quotas: { visitorConversations: 1, visitorBytes: 5, appConversations: 1, appBytes: 5 },
      });
      const { conversations } = stores;
      const owner = visitor('anon_answer');
      const started = await conversations.start(owner, 'Question', [user('12345')]);
      const answer = 'a long answer that passes every byte quota';
      expect(await conversations.append(started.id, owner, [assistant(answer)])).toBe(true);
      expect(
        await conversations.append(started.id, owner, [assistant(answer)], { checkQuota: false }),
      ).toBe(true);
      const found = await conversations.get(started.id, owner);
      expect(found?.messages.map((message) => message.content)).toEqual(['12345', answer, answer]);
      // The visitor's next turn is refused, and nothing is deleted to make room.
      await expectQuotaRefusal(
        conversations.append(started.id, owner, [user('more')], { checkQuota: true }),
      );
      expect((await conversations.get(started.id, owner))?.messageCount).toBe(3);
    });
  });

  describe('counted work', () => {
    it('an append costs one statement whatever the length; a list page costs one', async () => {
      const { stores } = await open();
      const { conversations } = stores;
      const owner = visitor('anon_count');
      const short = await conversations.start(owner, 'Short', [user('only')]);
      const long = await conversations.start(
        owner,
        'Long',
        Array.from({ length: 1000 }, (_, index) =>
          index % 2 === 0 ? user(`question ${index}`) : assistant(`answer ${index}`),
        ),
      );
      expect((await conversations.get(long.id, owner))?.messageCount).toBe(1000);

      const cost = async (work: () => Promise<unknown>) => {
        const before = stores.statements;
        await work();
        return stores.statements - before;
      };
      expect(
        await cost(() =>
          conversations.append(short.id, owner, [user('next')], { checkQuota: true }),
        ),
      ).toBe(1);
      expect(
        await cost(() =>
          conversations.append(long.id, owner, [user('next')], { checkQuota: true }),
        ),
      ).toBe(1);
      expect(await cost(() => conversations.append(long.id, owner, [assistant('answer')]))).toBe(1);
      expect(await cost(() => conversations.list(owner, 1, 20))).toBe(1);
      expect(await cost(() => conversations.list(owner, 7, 20))).toBe(1);
      expect(await cost(() => conversations.get(long.id, owner))).toBe(1);
      expect((await conversations.get(long.id, owner))?.messages.at(-1)?.content).toBe('answer');
    });

    it('a list page and a page of messages are index range scans, never a sort', async () => {
      const { database } = await open();
      // The statements the stores send, compiled, so that each can be explained as sent.
      const sent: CompiledQuery[] = [];
      const capture: KyselyPlugin = {
        transformQuery({ node, queryId }) {
          sent.push(database.db.getExecutor().compileQuery(node, queryId));
          return node;
        },
        transformResult: async ({ result }) => result,
      };
      const stores = await openStores({
        database: { ...database, db: database.db.withPlugin(capture) },
        shared: createMemorySharedState({ now }),
        quotas: unlimited,
        now,
        refreshMs: 0,
      });
      opened.push(stores);
      const { conversations } = stores;
      const owner = visitor('anon_plan');
      const long = await conversations.start(
        owner,
        'Long',
        Array.from({ length: 1000 }, (_, index) => user(`${index}`)),
      );
      // Enough other visitors' rows that reading everything would show in the plan.
      const { table } = database;
      await sql`insert into ${table('conversations')}
          (id, app_id, sub, title, created_at, updated_at, message_count, bytes)
        select 'conv_' || n, 'app_demo', 'anon_' || (n % 200), '', now(), now() - n * interval '1 second', 0, 0
        from generate_series(1, 20000) as n`.execute(database.db);
      await sql`insert into ${table('conversations')}
          (id, app_id, sub, title, created_at, updated_at, message_count, bytes)
        select 'conv_mine_' || n, 'app_demo', 'anon_plan', '', now(), now() - n * interval '1 second', 0, 0
        from generate_series(1, 2000) as n`.execute(database.db);
      await sql`analyze ${table('conversations')}`.execute(database.db);
      await sql`analyze ${table('messages')}`.execute(database.db);

      const plan = async (work: () => Promise<unknown>) => {
        sent.length = 0;
        await work();
        expect(sent).toHaveLength(1);
        const [query] = sent as [CompiledQuery];
        const explained = await database.db.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]),
        );
        return explained.rows.map((row) => row['QUERY PLAN']).join('\n');
      };
      const listed = await conversations.list(owner, 1, 20);
      const cursor = {
        updatedAt: listed.items[19]?.updatedAt ?? '',
        id: listed.items[19]?.id ?? '',
      };
      for (const list of [
        await plan(() => conversations.list(owner, 1, 20)),
        await plan(() => conversations.list(owner, 51, 20)),
        await plan(() => conversations.list(owner, 1, 200, cursor)),
      ]) {
        expect(list).toMatch(/Index Scan using conversations_by_owner/);
        expect(list).not.toMatch(/Sort|Seq Scan on conversations/);
      }
      const latest = await conversations.get(long.id, owner, { limit: 50 });
      for (const read of [
        await plan(() => conversations.get(long.id, owner, { limit: 50 })),
        await plan(() =>
          conversations.get(long.id, owner, { limit: 50, before: latest?.messages[0]?.id }),
        ),
      ]) {
        expect(read).toMatch(/Index Scan Backward using messages_in_order/);
        expect(read).not.toMatch(/Sort|Seq Scan/);
      }
    });
  });
});
