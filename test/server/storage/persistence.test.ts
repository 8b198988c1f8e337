import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/server/cli/run-cli.ts';
import {
  createEchoResponder,
  createServerApp,
  migrateDatabase,
  type ServerApp,
} from '../../../src/server/index.ts';
import {
  createTestApp,
  demoOrigin,
  getToken,
  requestChat,
  secret,
  testApps,
  withTestLog,
} from '../helpers.ts';
import { openTestDatabase } from '../test-database.ts';

const folders: string[] = [];
const opened: ServerApp[] = [];
const tempFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), 'inkeep-server-'));
  folders.push(folder);
  return folder;
};
afterEach(async () => {
  for (const app of opened.splice(0)) await app.context.stores.close().catch(() => {});
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
const adminKey = 'admin-key-admin-key-admin-key-0123456';
const manage = (app: ServerApp, path: string, init: RequestInit = {}) =>
  app.request(`/manage/tenants/default/projects/default/apps${path}`, {
    ...init,
    headers: { authorization: `Bearer ${adminKey}`, ...init.headers },
  });

/** A server on the embedded database in `dataDir`; `restart` closes it first. */
function serverOn(dataDir: string, apps: unknown[] = testApps) {
  const app = createTestApp({
    dataDir,
    apps: apps as never,
    env: { INKEEP_ADMIN_API_KEY: adminKey },
    responder: createEchoResponder(),
  });
  opened.push(app);
  return app;
}
async function restart(app: ServerApp, dataDir: string, apps?: unknown[]) {
  await app.context.stores.close();
  opened.splice(opened.indexOf(app), 1);
  return serverOn(dataDir, apps);
}

describe('--data DIR (embedded PostgreSQL on disk)', () => {
  it('keeps conversations and managed apps across a restart, and deletions stay deleted', async () => {
    const dataDir = tempFolder();
    const first = serverOn(dataDir);
    const token = await getToken(first);
    const chat = async (app: ServerApp, content: string) => {
      const response = await requestChat(app, token, { messages: [{ role: 'user', content }] });
      await response.text();
      return response.headers.get('x-inkeep-conversation-id');
    };
    const kept = await chat(first, 'remember me');
    const dropped = await chat(first, 'forget me');
    const created = await manage(first, '', {
      method: 'POST',
      body: JSON.stringify({
        id: 'app_saved',
        config: { webClient: { allowedDomains: ['saved.test'] } },
      }),
    });
    expect(created.status).toBe(201);
    const deleted = await first.request(`/run/v1/conversations/${dropped}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
    });
    expect(deleted.status).toBe(204);

    const second = await restart(first, dataDir);
    const read = await second.request(`/run/v1/conversations/${kept}`, {
      headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
    });
    expect(read.status).toBe(200);
    const { data } = (await read.json()) as {
      data: { title: string; messages: { content: string }[] };
    };
    expect(data.title).toBe('remember me');
    expect(data.messages.map((message) => message.content)).toEqual(['remember me', 'remember me']);
    const gone = await second.request(`/run/v1/conversations/${dropped}`, {
      headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
    });
    expect(gone.status).toBe(404);
    const list = await second.request('/run/v1/conversations', {
      headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
    });
    expect(await list.json()).toMatchObject({ data: [{ id: kept }], pagination: { total: 1 } });
    expect((await manage(second, '/app_saved')).status).toBe(200);
  });

  it('lets the dashboard win over the config file: edits and deletions survive a restart', async () => {
    const dataDir = tempFolder();
    const configApps = [
      { id: 'app_one', name: 'One', config: { webClient: { allowedDomains: ['one.test'] } } },
      { id: 'app_two', name: 'Two', config: { webClient: { allowedDomains: ['two.test'] } } },
    ];
    const first = serverOn(dataDir, configApps);
    const edited = await manage(first, '/app_one', {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Edited' }),
    });
    expect(edited.status).toBe(200);
    expect((await manage(first, '/app_two', { method: 'DELETE' })).status).toBe(204);
    const second = await restart(first, dataDir, configApps);
    expect(await (await manage(second, '/app_one')).json()).toMatchObject({
      data: { name: 'Edited' },
    });
    expect((await manage(second, '/app_two')).status).toBe(404);
    // A new id in the file is still created.
    const third = await restart(second, dataDir, [
      ...configApps,
      { id: 'app_three', config: { webClient: { allowedDomains: ['three.test'] } } },
    ]);
    expect((await manage(third, '/app_three')).status).toBe(200);
  });

  it('refuses a 0.1 JSON folder in one line, and `import` moves it into the database', async () => {
    const dataDir = tempFolder();
    writeFileSync(
      join(dataDir, 'apps.json'),
      JSON.stringify({
        apps: [{ id: 'app_old', config: { webClient: { allowedDomains: ['old.test'] } } }],
      }),
    );
    mkdirSync(join(dataDir, 'conversations'));
    const id = `conv_${'a'.repeat(32)}`;
    writeFileSync(
      join(dataDir, 'conversations', `${id}.json`),
      JSON.stringify({
        id,
        sub: 'anon_x',
        appId: 'app_old',
        title: 'old',
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:01.000Z',
        messages: [
          { id: 'msg_1', role: 'user', content: 'hello', createdAt: '2026-01-01T00:00:00.000Z' },
          { id: 'msg_2', role: 'assistant', content: 'hi', createdAt: '2026-01-01T00:00:01.000Z' },
        ],
      }),
    );
    const refused = createServerApp(withTestLog({ dataDir, settings: { jwtSecret: secret } }));
    await expect(refused.ready).rejects.toThrow(/holds inkeep-chat 0\.1 data.*import --data/);

    const out: string[] = [];
    const io = {
      env: {},
      log: (line: string) => out.push(line),
      error: (line: string) => out.push(line),
    };
    const imported = await runCli(['import', '--data', dataDir], io);
    expect(imported.code, out.join('\n')).toBe(0);
    expect(out.at(-1)).toMatch(/1 apps, 0 keys, 1 conversations, 2 messages \(0 already there\)/);
    expect((await runCli(['import', '--data', dataDir], io)).code).toBe(0);
    expect(out.at(-1)).toMatch(/0 apps, 0 keys, 0 conversations, 0 messages \(2 already there\)/);

    const app = serverOn(dataDir, []);
    await app.ready;
    expect(app.context.apps.get('app_old')).toMatchObject({ id: 'app_old' });
    const conversation = await app.context.conversations.get(id, {
      sub: 'anon_x',
      appId: 'app_old',
    });
    expect(conversation?.messages.map((message) => message.content)).toEqual(['hello', 'hi']);
    expect(
      await app.context.conversations.list({ sub: 'anon_x', appId: 'app_old' }, 1, 10),
    ).toMatchObject({
      total: 1,
    });
  });

  it('refuses a second process on the same folder, naming its pid', async () => {
    const dataDir = tempFolder();
    // pid 1 always runs: a folder locked by it is in use.
    writeFileSync(join(dataDir, 'db.lock'), '1');
    mkdirSync(join(dataDir, 'db'));
    const app = createServerApp(withTestLog({ dataDir, settings: { jwtSecret: secret } }));
    await expect(app.ready).rejects.toThrow(
      /in use by another inkeep-chat-server process \(pid 1\)/,
    );
  });
});

describe('migrations', () => {
  it('refuses a database migrated by a newer server, in one line', async () => {
    const database = await openTestDatabase(undefined, { viaMigrator: true });
    const schemaName = database.schema;
    await sql`insert into ${sql.table(`${schemaName}.kysely_migration`)} (name, timestamp)
      values ('9999_future', now()::text)`.execute(database.db.withoutPlugins());
    await expect(migrateDatabase(database, schemaName)).rejects.toThrow(
      /the database schema is newer than this server \(it has migration "9999_future"/,
    );
    await database.close();
  });
});
