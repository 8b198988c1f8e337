import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.ts';
import { readSettings } from '../config/read-settings.ts';
import { describeDatabaseUrl, openConfiguredDatabase } from '../open-server-state.ts';
import { type Database, latestMigration, migrateDatabase } from '../storage/database.ts';
import { importLegacyData } from '../storage/import-legacy-data.ts';
import { openEmbeddedDatabase } from '../storage/open-embedded-database.ts';
import type { CliIo } from './run-cli.ts';

/** The `migrate` and `import` help. */
export const databaseUsage = `Usage: inkeep-chat-server migrate [--data DIR]
       inkeep-chat-server import --data OLD_DIR

migrate  brings the schema of the configured database (DATABASE_URL, else the embedded one in
         --data DIR) up to date; the server also does this at start.
import   loads a 0.1 data folder (apps.json, api-keys.json, conversations/) into the configured
         database: DATABASE_URL's, or without it the embedded one in the same folder.`;

/** Runs `inkeep-chat-server migrate|import …`; prints one line a result, returns an exit code. */
export async function runDatabaseCommand(
  command: 'migrate' | 'import',
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new ConfigError(String((error as Error).message).split('\n')[0] ?? 'bad arguments');
  }
  if (values.help) {
    io.log(databaseUsage);
    return 0;
  }
  const dataDir = values.data as string | undefined;
  const { settings } = readSettings(io.env);
  const where = settings.databaseUrl
    ? `PostgreSQL at ${describeDatabaseUrl(settings.databaseUrl)}`
    : `embedded database in ${dataDir}/db`;
  if (command === 'import' && !dataDir) throw new ConfigError('import needs --data OLD_DIR');
  if (command === 'migrate' && !dataDir && !settings.databaseUrl) {
    throw new ConfigError('migrate needs --data DIR or DATABASE_URL');
  }
  const onWarning = (message: string) => io.error(`inkeep-chat-server: warning: ${message}`);
  let database: Database;
  if (command === 'import' && !settings.databaseUrl) {
    database = await openEmbeddedDatabase({ dataDir, allowLegacyFiles: true });
  } else {
    database = await openConfiguredDatabase({
      settings,
      dataDir: command === 'migrate' ? dataDir : undefined,
      onWarning,
    });
  }
  try {
    const ran = await migrateDatabase(database);
    if (command === 'migrate') {
      io.log(
        `${where}: schema at ${latestMigration}${ran.length ? ` (ran ${ran.join(', ')})` : ' (already up to date)'}`,
      );
      return 0;
    }
    const summary = await importLegacyData(database, dataDir ?? '');
    io.log(
      `imported into the ${where}: ${summary.apps} apps, ${summary.keys} keys, ${summary.conversations} conversations, ${summary.messages} messages (${summary.skipped} already there)`,
    );
    return 0;
  } finally {
    await database.close();
  }
}
