import { PostgresDialect } from 'kysely';
import pg from 'pg';
import { createDatabase, type Database } from './database.ts';

/** Options of {@link openPostgresDatabase}. */
export interface PostgresDatabaseOptions {
  /**
   * `postgres://user:password@host:port/database`; TLS and other libpq options travel in its
   * query (`?sslmode=require&sslrootcert=/path/ca.pem`), as `pg` reads them.
   */
  url: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Keep the tables in this schema (tests give each server its own). */
  schema?: string | undefined;
  /** Told when an idle pooled connection fails (the pool replaces it). */
  onError?: (error: Error) => void;
}

/** Opens a connection pool to a PostgreSQL server. Callers run {@link migrateDatabase} next. */
export async function openPostgresDatabase({
  url,
  poolSize = 10,
  schema,
  onError,
}: PostgresDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  // Without a listener, an idle connection dropped by the server would crash the process.
  pool.on('error', (error) => onError?.(error));
  return createDatabase({ engine: 'postgres', dialect: new PostgresDialect({ pool }), schema });
}
