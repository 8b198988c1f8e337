import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { ConfigError } from '../config/config-error.ts';
import { createDatabase, type Database } from './database.ts';

/** Options of {@link openEmbeddedDatabase}. */
export interface EmbeddedDatabaseOptions {
  /** Keep the database in `DIR/db` (default: in memory, gone when the process ends). */
  dataDir?: string | undefined;
  /** Open a folder that still holds 0.1 JSON files (only `import` does). */
  allowLegacyFiles?: boolean;
}

/** The files a 0.1 `--data` folder held. */
export const legacyFiles = ['apps.json', 'api-keys.json', 'conversations'];

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `DIR/db.lock` for this process. The embedded engine is one process's: a second server
 * (or `keys` command) on the same folder would corrupt it, so it is refused while the first
 * runs; a lock left by a process that died is taken over.
 */
function lockFolder(dataDir: string): () => void {
  const path = join(dataDir, 'db.lock');
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
      throw new ConfigError(
        `${dataDir} is in use by another inkeep-chat-server process (pid ${pid}): stop it first, or share a PostgreSQL database with DATABASE_URL`,
      );
    }
  }
  writeFileSync(path, String(process.pid));
  return () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path);
    } catch {
      // Already gone.
    }
  };
}

/**
 * Where the build left a migrated empty database (`embedded-seed.tar.gz` beside this module):
 * loading it skips initdb, which takes seconds in WebAssembly. Without it (running from source),
 * PGlite runs initdb as usual.
 */
function seedOptions(): { loadDataDir?: Blob } {
  const seed = fileURLToPath(new URL('./embedded-seed.tar.gz', import.meta.url));
  if (!existsSync(seed)) return {};
  return { loadDataDir: new Blob([readFileSync(seed)], { type: 'application/x-gzip' }) };
}

/**
 * Opens embedded PostgreSQL (PGlite, WebAssembly, no server to install): in memory, or under
 * `DIR/db` with `dataDir`. Callers run {@link migrateDatabase} next.
 */
export async function openEmbeddedDatabase({
  dataDir,
  allowLegacyFiles = false,
}: EmbeddedDatabaseOptions = {}): Promise<Database> {
  if (!dataDir) {
    const pglite = await PGlite.create(seedOptions());
    return createDatabase({ engine: 'embedded', dialect: new PGliteDialect(pglite) });
  }
  const folder = join(dataDir, 'db');
  if (!allowLegacyFiles && !existsSync(folder)) {
    const legacy = legacyFiles.find((name) => existsSync(join(dataDir, name)));
    if (legacy) {
      throw new ConfigError(
        `${dataDir} holds inkeep-chat 0.1 data (${legacy}): run "inkeep-chat-server import --data ${dataDir}" to move it into the database first`,
      );
    }
  }
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new ConfigError(`cannot create ${dataDir}: ${(error as NodeJS.ErrnoException).code}`);
  }
  const unlock = lockFolder(dataDir);
  try {
    const pglite = await PGlite.create(folder);
    return createDatabase({
      engine: 'embedded',
      dialect: new PGliteDialect(pglite),
      onClose: unlock,
    });
  } catch (error) {
    unlock();
    throw new ConfigError(
      `cannot open the database in ${folder}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
