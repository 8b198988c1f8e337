// Databases for the server suite. Starting PGlite takes seconds, so each test process opens one
// (the server project runs with `isolate: false`) and every test server gets a fresh PostgreSQL
// schema in it, migrated from scratch. With TEST_DATABASE_URL the same happens on a real
// PostgreSQL server instead.
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import {
  createMemorySharedState,
  type Database,
  type DatabaseEngine,
  migrateDatabase,
  openStores,
  type ServerStores,
  type SharedState,
  type StorageQuotas,
} from '../../src/server/index.ts';
import type { DatabaseTables } from '../../src/server/storage/database-tables.ts';
import { migrations } from '../../src/server/storage/migrations.ts';

interface Engine {
  engine: DatabaseEngine;
  base: Kysely<DatabaseTables>;
  statements: number;
  /** Statements per test schema (each names its schema), so that one test server's count is
   * not moved by another's background work in the same process. */
  bySchema: Map<string, number>;
}

const engines = new Map<string, Promise<Engine>>();
let schemas = 0;

function engineFor(url: string | undefined): Promise<Engine> {
  const key = url ?? 'embedded';
  let engine = engines.get(key);
  if (!engine) {
    engine = (async () => {
      const counted = {
        engine: url ? 'postgres' : 'embedded',
        statements: 0,
        bySchema: new Map<string, number>(),
      } as Engine;
      const dialect = url
        ? new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 4 }) })
        : new PGliteDialect(await PGlite.create());
      counted.base = new Kysely<DatabaseTables>({
        dialect,
        log: (event) => {
          counted.statements++;
          const schema = /"(test_\d+_\d+)"/.exec(event.query.sql)?.[1];
          if (schema) counted.bySchema.set(schema, (counted.bySchema.get(schema) ?? 0) + 1);
        },
      });
      return counted;
    })();
    engines.set(key, engine);
  }
  return engine;
}

/**
 * A new, migrated, empty database: a schema of its own on this process's embedded engine, or on
 * the PostgreSQL server at `url` (default `TEST_DATABASE_URL`, when set).
 */
export async function openTestDatabase(
  url: string | undefined = process.env.TEST_DATABASE_URL || undefined,
  { viaMigrator = false }: { viaMigrator?: boolean } = {},
): Promise<Database & { schema: string }> {
  const engine = await engineFor(url);
  const schema = `test_${process.pid}_${++schemas}`;
  const db = engine.base.withSchema(schema);
  const database: Database & { schema: string } = {
    schema,
    engine: engine.engine,
    db,
    table: (name) => sql.table(`${schema}.${name}`),
    get statements() {
      return engine.bySchema.get(schema) ?? 0;
    },
    async ping() {
      await sql`select 1`.execute(engine.base);
    },
    async close() {
      // The engine is shared by the process: drop only this schema.
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(engine.base);
    },
  };
  if (viaMigrator) {
    await migrateDatabase(database, schema);
  } else {
    // The migrations themselves, without the migrator's bookkeeping: a tenth of the time, which
    // the suite pays once per test server. (migrateDatabase has tests of its own.)
    await engine.base.transaction().execute(async (transaction) => {
      await sql`create schema ${sql.id(schema)}`.execute(transaction);
      for (const name of Object.keys(migrations).sort()) {
        await migrations[name]?.up(transaction.withSchema(schema) as unknown as Kysely<unknown>);
      }
    });
  }
  return database;
}

/** Options of {@link createTestStores}. */
export interface TestStoresOptions {
  shared?: SharedState;
  now?: () => number;
  quotas?: StorageQuotas;
  url?: string;
}

/** Stores on a fresh {@link openTestDatabase}, for `createServerApp({ stores })`. */
export async function createTestStores({
  shared = createMemorySharedState(),
  now,
  quotas,
  url,
}: TestStoresOptions = {}): Promise<ServerStores> {
  return openStores({
    database: await openTestDatabase(url),
    shared,
    refreshMs: 0,
    // No timed activity writes: reads flush first, so counts stay right, and a test counting
    // SQL statements never sees a background write land in its window.
    activityFlushMs: 0,
    ...(now ? { now } : {}),
    ...(quotas ? { quotas } : {}),
  });
}
