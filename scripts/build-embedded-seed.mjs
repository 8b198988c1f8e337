#!/usr/bin/env node
// Writes dist/server/storage/embedded-seed.tar.gz: an empty embedded PostgreSQL (PGlite) with
// the schema migrated, which openEmbeddedDatabase loads for in-memory servers. Run by build.mjs
// after the server is compiled.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const server = join(root, 'dist/server');
const { createDatabase, migrateDatabase } = await import(join(server, 'storage/database.js'));
const { PGliteDialect } = await import('kysely-pglite-dialect');

const pglite = await PGlite.create();
const database = createDatabase({ engine: 'embedded', dialect: new PGliteDialect(pglite) });
await migrateDatabase(database);
const seed = await pglite.dumpDataDir('gzip');
writeFileSync(join(server, 'storage/embedded-seed.tar.gz'), Buffer.from(await seed.arrayBuffer()));
await database.close();
