import { type Dialect, Kysely, Migrator, type RawBuilder, sql } from 'kysely';
import { ConfigError } from '../config/config-error.ts';
import type { DatabaseTables } from './database-tables.ts';
import { migrationProvider, migrations } from './migrations.ts';

/** Which engine holds the durable data. */
export type DatabaseEngine = 'embedded' | 'postgres';

/** An open database: one schema, one set of queries, whichever engine is behind it. */
export interface Database {
  readonly engine: DatabaseEngine;
  readonly db: Kysely<DatabaseTables>;
  /** A table reference for `sql` templates, in the database's schema. */
  table(name: keyof DatabaseTables): RawBuilder<unknown>;
  /** SQL statements sent since the database was opened (counted for tests and the bench). */
  readonly statements: number;
  /** Resolves when the engine answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link createDatabase}. */
export interface CreateDatabaseOptions {
  engine: DatabaseEngine;
  dialect: Dialect;
  /** A PostgreSQL schema to keep the tables in instead of the default search path. */
  schema?: string | undefined;
  /** Runs after the connection pool is closed (e.g. a lock file is released). */
  onClose?: () => Promise<void> | void;
}

/** Wraps a Kysely dialect as a {@link Database} that counts its statements. */
export function createDatabase({
  engine,
  dialect,
  schema,
  onClose,
}: CreateDatabaseOptions): Database {
  let statements = 0;
  const base = new Kysely<DatabaseTables>({
    dialect,
    log: () => {
      statements++;
    },
  });
  const db = schema ? base.withSchema(schema) : base;
  return {
    engine,
    db,
    table: (name) => sql.table(schema ? `${schema}.${name}` : name),
    get statements() {
      return statements;
    },
    async ping() {
      await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    },
    async close() {
      await base.destroy();
      await onClose?.();
    },
  };
}

/** The newest migration this server knows. */
export const latestMigration = Object.keys(migrations).sort().at(-1) ?? '';

/**
 * Brings the schema up to date (several servers may do this at once: Kysely takes an advisory
 * lock). Refuses with one clear line when the database was migrated by a newer server.
 * @returns the names of the migrations that ran now.
 */
export async function migrateDatabase(database: Database, schema?: string): Promise<string[]> {
  if (schema) await database.db.schema.createSchema(schema).ifNotExists().execute();
  const migrator = new Migrator({
    db: database.db as Kysely<unknown>,
    provider: migrationProvider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const known = new Set(Object.keys(migrations));
  const table = sql.table(schema ? `${schema}.kysely_migration` : 'kysely_migration');
  const rows = await sql<{ name: string }>`select name from ${table}`
    .execute(database.db.withoutPlugins())
    .then((result) => result.rows)
    .catch((error: { code?: string }) => {
      // 42P01: no such table, i.e. a database that was never migrated.
      if (error?.code === '42P01') return [];
      throw error;
    });
  const unknown = rows.map((row) => row.name).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `the database schema is newer than this server (it has migration "${unknown.sort().at(-1)}", this server knows up to "${latestMigration}"): run a newer inkeep-chat-server`,
    );
  }
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    throw new ConfigError(
      `database migration failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return results.filter((result) => result.status === 'Success').map((r) => r.migrationName);
}
