import type { Selectable } from 'kysely';
import type { App, AppType } from '../apps/app.ts';
import type { SharedState } from '../shared/shared-state.ts';
import { createBackgroundWork } from './create-background-work.ts';
import type { Database } from './database.ts';
import type { AppsTable } from './database-tables.ts';
import type { AppStore } from './stores.ts';

type AppRow = Pick<
  Selectable<AppsTable>,
  'id' | 'tenant_id' | 'project_id' | 'name' | 'type' | 'enabled' | 'default_agent_id' | 'config'
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
});

/** The columns of an app's row (times aside), as written. */
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
}: {
  database: Database;
  shared: SharedState;
  now: () => number;
}): SqlAppStore {
  const { db } = database;
  let byId = new Map<string, App>();
  const reload = async (id: string) => {
    const row = await db.selectFrom('apps').select(columns).where('id', '=', id).executeTakeFirst();
    if (row) byId.set(id, toApp(row));
    else byId.delete(id);
  };
  const load = async () => {
    const rows = await db.selectFrom('apps').select(columns).execute();
    byId = new Map(rows.map((row) => [row.id, toApp(row)]));
  };
  // Reloads run in the background; close() waits for them so the database closes idle.
  const background = createBackgroundWork();
  const unsubscribe = shared.subscribe((notice) => {
    if (notice.type === 'app') background.run(reload(notice.id));
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
      byId.set(app.id, structuredClone(app));
      await shared.publish({ type: 'app', id: app.id });
    },
    async delete(id) {
      const deleted = await db.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
      byId.delete(id);
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
        byId.set(app.id, structuredClone(app));
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
      }
      return created;
    },
  };
}
