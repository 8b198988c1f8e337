import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEchoResponder, createServerApp } from '../../../src/server/index.ts';
import { createWriteQueue } from '../../../src/server/storage/create-write-queue.ts';
import { writeFileAtomic } from '../../../src/server/storage/write-file-atomic.ts';
import { createTestApp, demoOrigin, getToken, requestChat, secret } from '../helpers.ts';

const folders: string[] = [];
const tempFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), 'inkeep-server-'));
  folders.push(folder);
  return folder;
};
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('--data DIR', () => {
  it('keeps conversations and managed apps across a restart', async () => {
    const dataDir = tempFolder();
    const adminKey = 'admin-key-admin-key-admin-key-0123456';
    const options = {
      dataDir,
      env: { INKEEP_ADMIN_API_KEY: adminKey },
      responder: createEchoResponder(),
    };
    const first = createTestApp(options);
    const token = await getToken(first);
    const response = await requestChat(first, token, {
      messages: [{ role: 'user', content: 'remember me' }],
    });
    const id = response.headers.get('x-inkeep-conversation-id');
    await response.text();
    const created = await first.request('/manage/tenants/default/projects/default/apps', {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({
        id: 'app_saved',
        config: { webClient: { allowedDomains: ['saved.test'] } },
      }),
    });
    expect(created.status).toBe(201);

    const second = createTestApp(options);
    const read = await second.request(`/run/v1/conversations/${id}`, {
      headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
    });
    expect(read.status).toBe(200);
    const { data } = (await read.json()) as {
      data: { title: string; messages: { content: string }[] };
    };
    expect(data.title).toBe('remember me');
    expect(data.messages.map((message) => message.content)).toEqual(['remember me', 'remember me']);
    const saved = await second.request('/manage/tenants/default/projects/default/apps/app_saved', {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(saved.status).toBe(200);
  });

  it('removes a deleted conversation from disk', async () => {
    const dataDir = tempFolder();
    const app = createTestApp({ dataDir, responder: createEchoResponder() });
    const token = await getToken(app);
    const response = await requestChat(app, token, { messages: [{ role: 'user', content: 'x' }] });
    const id = response.headers.get('x-inkeep-conversation-id');
    expect(readdirSync(join(dataDir, 'conversations'))).toEqual([`${id}.json`]);
    await app.request(`/run/v1/conversations/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
    });
    expect(readdirSync(join(dataDir, 'conversations'))).toEqual([]);
  });

  it('refuses to start on a corrupt data file, naming it', () => {
    const dataDir = tempFolder();
    writeFileSync(join(dataDir, 'apps.json'), '{ not json');
    expect(() => createServerApp({ dataDir, settings: { jwtSecret: secret } })).toThrow(
      /apps\.json/,
    );
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary file behind', async () => {
    const folder = tempFolder();
    const path = join(folder, 'state.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(folder)).toEqual(['state.json']);
  });
});

describe('createWriteQueue', () => {
  it('merges saves that arrive during a write into one more write', async () => {
    let writes = 0;
    let release: () => void = () => {};
    const queue = createWriteQueue(async () => {
      writes++;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    const first = queue.save();
    const second = queue.save();
    const third = queue.save();
    expect(second).toBe(third);
    release();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    await Promise.all([second, third]);
    expect(writes).toBe(2);
  });
});
