// Activity counts and the owner's conversation log, on both engines: counts of several
// instances add up, buckets are whole hours or UTC days, visitors leave the store only hashed.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemorySharedState,
  type Database,
  hashVisitor,
  openStores,
  type ServerStores,
} from '../../../src/server/index.ts';
import { openTestDatabase } from '../test-database.ts';

const postgresUrl = process.env.INKEEP_TEST_POSTGRES_URL || undefined;
const engines = [
  { name: 'the embedded engine (PGlite)', url: undefined, missing: false },
  { name: 'PostgreSQL', url: postgresUrl, missing: !postgresUrl },
];

const hour = 3_600_000;

describe.each(engines)('activity and the conversation log on $name', ({ url, missing }) => {
  if (missing) {
    it.skip('needs INKEEP_TEST_POSTGRES_URL (test/setup/engines.ts starts a PostgreSQL)', () => {});
    return;
  }

  let clock = Date.parse('2030-01-10T12:30:00Z');
  const now = () => clock;
  const opened: ServerStores[] = [];
  let database: Database;
  afterEach(async () => {
    for (const stores of opened.splice(0).reverse()) await stores.close().catch(() => {});
  });

  async function open(options: { same?: boolean; retentionDays?: number } = {}) {
    if (!options.same) database = await openTestDatabase(url);
    // Instances on one database: only the last one closes it.
    const stores = await openStores({
      database: options.same ? { ...database, close: async () => {} } : database,
      shared: createMemorySharedState({ now }),
      now,
      refreshMs: 0,
      activityFlushMs: 0,
      ...(options.retentionDays ? { activityRetentionDays: options.retentionDays } : {}),
    });
    if (options.same) opened.push(stores);
    else opened.unshift(stores);
    return stores;
  }

  it('says in one line when a timed write fails, and keeps the counts', async () => {
    const own = await openTestDatabase(url);
    database = own;
    const warnings: string[] = [];
    const stores = await openStores({
      database,
      shared: createMemorySharedState({ now }),
      now,
      refreshMs: 0,
      activityFlushMs: 5,
      onWarning: (message) => void warnings.push(message),
    });
    opened.unshift(stores);
    await sql`alter table ${database.table('app_activity')} rename to app_activity_away`.execute(
      database.db,
    );
    stores.activity.record('app_demo', 'chat');
    await expect.poll(() => warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/^activity counts not written \(kept for the next write\): .+/);
    expect(warnings[0]?.split('\n')).toHaveLength(1);
    // Kept, not lost: once the table is back, the count is written, once. (Not `pending`: the
    // 5 ms timer may be holding the batch in a write at any moment.)
    await sql`alter table ${sql.table(`${own.schema}.app_activity_away`)} rename to app_activity`.execute(
      database.db,
    );
    expect((await stores.activity.read('app_demo', '24h')).totals.chats).toBe(1);
    expect(stores.activity.pending).toBe(0);
  });

  it('adds the counts of several instances and sums them per hour for 24h', async () => {
    clock = Date.parse('2030-01-10T12:30:00Z');
    const first = await open();
    const second = await open({ same: true });
    first.activity.record('app_demo', 'session_issued');
    first.activity.record('app_demo', 'session_issued');
    second.activity.record('app_demo', 'session_issued');
    second.activity.record('app_demo', 'session_refused', 'pow_invalid');
    first.activity.record('app_demo', 'chat_refused', 'rate_limit_exceeded');
    first.activity.record('app_other', 'chat');
    await Promise.all([first.activity.flush(), second.activity.flush()]);
    // Same keys written again by both: added, not replaced.
    first.activity.record('app_demo', 'chat');
    second.activity.record('app_demo', 'chat');
    await second.activity.flush();
    clock += 2 * hour;
    first.activity.record('app_demo', 'chat');
    // 25 h ago: outside 24h, inside 30d.
    await first.activity.add([
      {
        appId: 'app_demo',
        hour: Date.parse('2030-01-09T13:00:00Z'),
        kind: 'chat',
        reason: '',
        count: 5,
      },
    ]);

    const activity = await first.activity.read('app_demo', '24h');
    expect(activity).toMatchObject({
      appId: 'app_demo',
      range: '24h',
      bucket: 'hour',
      from: '2030-01-09T15:00:00.000Z',
      to: '2030-01-10T15:00:00.000Z',
      totals: { sessions: 3, sessionRefusals: 1, chats: 3, chatRefusals: 1 },
      refusals: [
        { kind: 'chat', reason: 'rate_limit_exceeded', count: 1 },
        { kind: 'session', reason: 'pow_invalid', count: 1 },
      ],
    });
    expect(activity.series).toHaveLength(24);
    const noon = activity.series.find((bucket) => bucket.start === '2030-01-10T12:00:00.000Z');
    expect(noon).toMatchObject({ sessions: 3, chats: 2, sessionRefusals: 1, chatRefusals: 1 });
    expect(activity.series.at(-1)).toMatchObject({ start: '2030-01-10T14:00:00.000Z', chats: 1 });

    const month = await first.activity.read('app_demo', '30d');
    expect(month).toMatchObject({ bucket: 'day', from: '2029-12-12T00:00:00.000Z' });
    expect(month.series).toHaveLength(30);
    expect(month.series.at(-1)).toMatchObject({ start: '2030-01-10T00:00:00.000Z', chats: 3 });
    expect(month.series.at(-2)).toMatchObject({ start: '2030-01-09T00:00:00.000Z', chats: 5 });
    expect(month.totals.chats).toBe(8);
    expect((await first.activity.read('app_other', '24h')).totals.chats).toBe(1);
  });

  it('deletes counts older than the retention with the first write of each hour', async () => {
    clock = Date.parse('2030-03-01T12:30:00Z');
    const stores = await open({ retentionDays: 30 });
    const chats = (iso: string) => ({
      appId: 'app_demo',
      hour: Date.parse(iso),
      kind: 'chat' as const,
      reason: '',
      count: 1,
    });
    const stored = async () => {
      const { rows } = await sql<{ hour: Date }>`
        select hour from ${database.table('app_activity')} order by hour`.execute(database.db);
      return rows.map((row) => new Date(row.hour).toISOString());
    };
    // 30 days before 12:00 on 1 March 2030 is 12:00 on 30 January.
    await stores.activity.add([
      chats('2030-01-01T00:00:00Z'),
      chats('2030-01-30T11:00:00Z'),
      chats('2030-01-30T12:00:00Z'),
      chats('2030-01-30T13:00:00Z'),
      chats('2030-03-01T12:00:00Z'),
    ]);
    // The hour's first write deleted before adding; a later write in that hour deletes nothing.
    await stores.activity.add([chats('2030-03-01T12:00:00Z')]);
    expect(await stored()).toHaveLength(5);
    clock += hour;
    stores.activity.record('app_demo', 'chat');
    await stores.activity.flush();
    expect(await stored()).toEqual([
      '2030-01-30T13:00:00.000Z',
      '2030-03-01T12:00:00.000Z',
      '2030-03-01T13:00:00.000Z',
    ]);
    expect((await stores.activity.read('app_demo', '24h')).totals.chats).toBe(3);
  });

  it('hashes visitors with a key of the database’s own: one per fleet, none a guess can test', async () => {
    // Migrations make no key (the embedded engine's build-time seed, shared by every package,
    // is only migrated): the first stores opened on the database make it.
    const migrated = await openTestDatabase(url);
    const keys = sql<{ count: string | number }>`
      select count(*) as count from ${migrated.table('server_keys')}`;
    expect(Number((await keys.execute(migrated.db)).rows[0]?.count)).toBe(0);
    await migrated.close();
    const first = await open();
    const second = await open({ same: true });
    const other = await open();
    expect(first.visitorHashKey).toMatch(/^[\w-]{43}$/);
    // Instances (and restarts) on one database agree; another database has another key.
    expect(second.visitorHashKey).toBe(first.visitorHashKey);
    expect(other.visitorHashKey).not.toBe(first.visitorHashKey);
    const sub = 'user_0123456789abcdef0123456789abcdef';
    const hash = hashVisitor(first.visitorHashKey, 'app_demo', sub);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(hash).not.toBe(hashVisitor(other.visitorHashKey, 'app_demo', sub));
    expect(hash).not.toBe(hashVisitor(first.visitorHashKey, 'app_other', sub));
    // Not the unkeyed hash, which anyone could compute from a guessed id.
    expect(hash).not.toBe(
      createHash('sha256').update(`app_demo\n${sub}`).digest('hex').slice(0, 16),
    );
  });

  it('lists an app’s conversations newest first with cursors, hashed visitors and ratings', async () => {
    clock = Date.parse('2030-01-10T12:30:00Z');
    const stores = await open();
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      clock += 1000;
      const started = await stores.conversations.start(
        { appId: 'app_demo', sub: `anon_visitor_${index % 2}` },
        `Question ${index}`,
        [{ role: 'user', content: `Question ${index}` }],
      );
      ids.push(started.id);
    }
    await stores.conversations.start({ appId: 'app_other', sub: 'anon_x' }, 'Elsewhere', [
      { role: 'user', content: 'Elsewhere' },
    ]);
    const owner = { appId: 'app_demo', sub: 'anon_visitor_0' };
    clock += 1000;
    await stores.conversations.append(ids[0] as string, owner, [
      { id: 'msg_answer_0', role: 'assistant', content: 'Answer', timeToFirstTokenMs: 321 },
    ]);
    await stores.feedback.put(owner, {
      conversationId: ids[0] as string,
      messageId: 'msg_answer_0',
      type: 'negative',
      details: 'Too short',
    });

    const first = await stores.conversationLog.list('app_demo', 2);
    expect(first.items.map((item) => item.title)).toEqual(['Question 0', 'Question 4']);
    expect(first.next).not.toBeNull();
    const second = await stores.conversationLog.list('app_demo', 2, {
      updatedAt: first.next?.split(',')[0] as string,
      id: first.next?.split(',')[1] as string,
    });
    expect(second.items.map((item) => item.title)).toEqual(['Question 3', 'Question 2']);
    const [rest] = [second.next?.split(',')];
    const third = await stores.conversationLog.list('app_demo', 2, {
      updatedAt: rest?.[0] as string,
      id: rest?.[1] as string,
    });
    expect(third).toMatchObject({ items: [{ title: 'Question 1' }], next: null });

    const rated = first.items[0];
    const visitor = hashVisitor(stores.visitorHashKey, 'app_demo', 'anon_visitor_0');
    expect(rated).toMatchObject({
      id: ids[0],
      visitor,
      messageCount: 2,
      feedback: { positive: 0, negative: 1 },
    });
    expect(JSON.stringify(first)).not.toContain('anon_visitor');

    const detail = await stores.conversationLog.get('app_demo', ids[0] as string);
    expect(detail?.messages).toEqual([
      expect.objectContaining({
        role: 'user',
        content: 'Question 0',
        timeToFirstTokenMs: null,
        feedback: null,
      }),
      expect.objectContaining({
        id: 'msg_answer_0',
        role: 'assistant',
        timeToFirstTokenMs: 321,
        feedback: expect.objectContaining({ type: 'negative', details: 'Too short' }),
      }),
    ]);
    expect(await stores.conversationLog.get('app_other', ids[0] as string)).toBeUndefined();

    // The negative rating shows in the activity of its hour.
    const activity = await stores.activity.read('app_demo', '24h');
    expect(activity.totals).toMatchObject({ feedbackNegative: 1, feedbackPositive: 0 });
  });
});
