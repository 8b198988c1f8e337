import { type Selectable, sql } from 'kysely';
import type { App, AppType } from '../apps/app.ts';
import { firstValidSecond, firstValidSecondOf } from '../session/session-revocation.ts';
import type { SharedState } from '../shared/shared-state.ts';
import { createBackgroundWork } from './create-background-work.ts';
import type { Database } from './database.ts';
import type { AppsTable } from './database-tables.ts';
import type { AppStore } from './stores.ts';

type AppRow = Pick<
  Selectable<AppsTable>,
  | 'id'
  | 'tenant_id'
  | 'project_id'
  | 'name'
  | 'type'
  | 'enabled'
  | 'default_agent_id'
  | 'config'
  | 'sessions_revoked_before'
>;

const columns = [
  'id',
  'tenant_id',
  'project_id',
  'name',
  'type',
  'enabled',
  'default_agent_id',
  'config',
  'sessions_revoked_before',
] as const;

const toApp = (row: AppRow): App => ({
  id: row.id,
  tenantId: row.tenant_id,
  projectId: row.project_id,
  name: row.name,
  type: row.type as AppType,
  enabled: row.enabled,
  defaultAgentId: row.default_agent_id,
  config: row.config,
  ...(row.sessions_revoked_before
    ? { sessionsRevokedBefore: new Date(row.sessions_revoked_before).toISOString() }
    : {}),
});

/** What an instance keeps in memory to refuse revoked sessions without a statement. */
interface Revocations {
  /** The least `iat` valid for every visitor of the app. */
  app: number;
  /** The least `iat` valid for a revoked visitor, by `sub`. */
  visitors: Map<string, number>;
}

/** The columns of an app's row (times and revocation aside), as written. */
export const toAppRow = (app: App) => ({
  id: app.id,
  tenant_id: app.tenantId,
  project_id: app.projectId,
  name: app.name,
  type: app.type,
  enabled: app.enabled,
  default_agent_id: app.defaultAgentId,
  config: JSON.stringify(app.config),
});

/** The app store plus what its owner drives: loading the cache and refreshing it. */
export interface SqlAppStore extends AppStore {
  /** Reads every app into the cache (at start, and as a safety net for missed notices). */
  load(): Promise<void>;
  /** Stops listening for notices and waits for reloads under way. */
  close(): Promise<void>;
}

/**
 * Apps in SQL, read through an in-memory cache so that a session request costs no statement.
 * Writes go to the database, then to the cache, then to every instance as a change notice.
 */
export function createSqlAppStore({
  database,
  shared,
  now,
  sessionLifetimeSeconds = 30 * 24 * 3600,
}: {
  database: Database;
  shared: SharedState;
  now: () => number;
  /**
   * The longest a session token lives: a visitor's sign-out older than that refuses no token
   * still alive, so its row is dropped (each upgrade of an anonymous visitor adds one).
   */
  sessionLifetimeSeconds?: number;
}): SqlAppStore {
  const { db } = database;
  let byId = new Map<string, App>();
  let revoked = new Map<string, Revocations>();
  const revocationsOf = (app: App, rows: { sub: string; revoked_before: Date }[]) => ({
    app: firstValidSecondOf(app),
    visitors: new Map(
      rows.map((row) => [row.sub, firstValidSecond(new Date(row.revoked_before).getTime())]),
    ),
  });
  /** Sign-outs that can still refuse a live token: newer than the longest token lifetime. */
  const live = () => new Date(now() - sessionLifetimeSeconds * 1000);
  /** Reads one visitor's cutoff again (a `visitor` notice): one row, not the app's every row. */
  const reloadVisitor = async (id: string, sub: string) => {
    const row = await db
      .selectFrom('revoked_visitors')
      .select('revoked_before')
      .where('app_id', '=', id)
      .where('sub', '=', sub)
      .executeTakeFirst();
    const revocations = revoked.get(id);
    if (!revocations) return reload(id);
    if (row)
      revocations.visitors.set(sub, firstValidSecond(new Date(row.revoked_before).getTime()));
    else revocations.visitors.delete(sub);
  };
  const reload = async (id: string) => {
    const [row, visitors] = await Promise.all([
      db.selectFrom('apps').select(columns).where('id', '=', id).executeTakeFirst(),
      db
        .selectFrom('revoked_visitors')
        .select(['sub', 'revoked_before'])
        .where('app_id', '=', id)
        .where('revoked_before', '>', live())
        .execute(),
    ]);
    if (row) {
      const app = toApp(row);
      byId.set(id, app);
      revoked.set(id, revocationsOf(app, visitors));
    } else {
      byId.delete(id);
      revoked.delete(id);
    }
  };
  const load = async () => {
    // Every full read (at start and every refresh) first drops the sign-outs no live token
    // can be older than, so the table and every instance's cache stay bounded.
    await db.deleteFrom('revoked_visitors').where('revoked_before', '<=', live()).execute();
    const [rows, visitors] = await Promise.all([
      db.selectFrom('apps').select(columns).execute(),
      db.selectFrom('revoked_visitors').select(['app_id', 'sub', 'revoked_before']).execute(),
    ]);
    byId = new Map(rows.map((row) => [row.id, toApp(row)]));
    const visitorsOf = new Map<string, typeof visitors>();
    for (const visitor of visitors) {
      const list = visitorsOf.get(visitor.app_id);
      if (list) list.push(visitor);
      else visitorsOf.set(visitor.app_id, [visitor]);
    }
    revoked = new Map(
      [...byId.values()].map((app) => [app.id, revocationsOf(app, visitorsOf.get(app.id) ?? [])]),
    );
  };
  /** Caches an app as written by a definition, keeping its revocation (not part of one). */
  const cache = (app: App) => {
    const { sessionsRevokedBefore: _ignored, ...definition } = structuredClone(app);
    const before = byId.get(app.id)?.sessionsRevokedBefore;
    byId.set(
      app.id,
      before === undefined ? definition : { ...definition, sessionsRevokedBefore: before },
    );
  };
  // Reloads run in the background; close() waits for them so the database closes idle.
  const background = createBackgroundWork();
  const unsubscribe = shared.subscribe((notice) => {
    if (notice.type === 'app') background.run(reload(notice.id));
    if (notice.type === 'visitor') background.run(reloadVisitor(notice.id, notice.sub));
    if (notice.type === 'all') background.run(load());
  });
  const write = async (app: App) => {
    const time = new Date(now());
    const values = toAppRow(app);
    await db
      .insertInto('apps')
      .values({ ...values, created_at: time, updated_at: time })
      .onConflict((conflict) => conflict.column('id').doUpdateSet({ ...values, updated_at: time }))
      .execute();
  };

  return {
    load,
    async close() {
      unsubscribe();
      await background.settled();
    },
    get: (id) => byId.get(id),
    list: (tenantId, projectId) =>
      [...byId.values()].filter((app) => app.tenantId === tenantId && app.projectId === projectId),
    async put(app) {
      await write(app);
      cache(app);
      await shared.publish({ type: 'app', id: app.id });
    },
    async delete(id) {
      const deleted = await db.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
      byId.delete(id);
      revoked.delete(id);
      await shared.publish({ type: 'app', id });
      return deleted.numDeletedRows > 0n;
    },
    async seed(apps) {
      const created: string[] = [];
      for (const app of apps) {
        const seeded = await db
          .insertInto('config_seeds')
          .values({ app_id: app.id, seeded_at: new Date(now()) })
          .onConflict((conflict) => conflict.column('app_id').doNothing())
          .returning('app_id')
          .executeTakeFirst();
        if (!seeded) continue;
        const exists = await db
          .selectFrom('apps')
          .select('id')
          .where('id', '=', app.id)
          .executeTakeFirst();
        if (exists) continue;
        await write(app);
        cache(app);
        created.push(app.id);
        await shared.publish({ type: 'app', id: app.id });
      }
      // Another instance starting at the same time may have created some of them after this
      // one filled its cache: read those again.
      const others = apps.map((app) => app.id).filter((id) => !created.includes(id));
      if (others.length > 0) {
        const rows = await db
          .selectFrom('apps')
          .select(columns)
          .where('id', 'in', others)
          .execute();
        for (const row of rows) byId.set(row.id, toApp(row));
        for (const row of rows)
          if (!revoked.has(row.id)) revoked.set(row.id, { app: 0, visitors: new Map() });
      }
      return created;
    },
    async revokeSessions(id, before, sub) {
      let cutoff: Date | null | undefined;
      if (sub === undefined) {
        // Later of the two: a revocation never brings back sessions an earlier one refused.
        const row = await db
          .updateTable('apps')
          .set({
            sessions_revoked_before: sql<Date>`greatest(coalesce(sessions_revoked_before, ${before}), ${before})`,
          })
          .where('id', '=', id)
          .returning('sessions_revoked_before')
          .executeTakeFirst();
        cutoff = row?.sessions_revoked_before;
        // A visitor's own cutoff at or before the app's says nothing more.
        if (cutoff) {
          await db
            .deleteFrom('revoked_visitors')
            .where('app_id', '=', id)
            .where('revoked_before', '<=', cutoff)
            .execute();
        }
      } else {
        const row = await db
          .insertInto('revoked_visitors')
          .columns(['app_id', 'sub', 'revoked_before'])
          .expression(
            db
              .selectFrom('apps')
              .select((eb) => [
                'id',
                eb.val(sub).as('sub'),
                sql<Date>`${before}::timestamptz`.as('revoked_before'),
              ])
              .where('id', '=', id),
          )
          .onConflict((conflict) =>
            conflict.columns(['app_id', 'sub']).doUpdateSet({
              revoked_before: sql<Date>`greatest(revoked_visitors.revoked_before, excluded.revoked_before)`,
            }),
          )
          .returning('revoked_before')
          .executeTakeFirst();
        cutoff = row?.revoked_before;
      }
      if (!cutoff) return;
      if (sub === undefined) {
        await reload(id);
        await shared.publish({ type: 'app', id });
      } else {
        // One visitor: one row read again here and on every instance, however many visitors
        // the app has signed out (each upgrade of an anonymous visitor signs one out).
        await reloadVisitor(id, sub);
        await shared.publish({ type: 'visitor', id, sub });
      }
      return new Date(cutoff).toISOString();
    },
    isSessionRevoked({ app, sub, iat }) {
      const revocations = revoked.get(app);
      if (!revocations) return false;
      return iat < revocations.app || iat < (revocations.visitors.get(sub) ?? 0);
    },
    firstValidSecondOfVisitor(app, sub) {
      return revoked.get(app)?.visitors.get(sub) ?? 0;
    },
  };
}
