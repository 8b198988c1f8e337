import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/server/cli/run-cli.ts';
import { createServerApp } from '../../../src/server/index.ts';
import { secret, withTestLog } from '../helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'inkeep-keys-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function keys(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const { code } = await runCli(['keys', ...argv], {
    env: {},
    log: (line) => out.push(line),
    error: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err };
}

describe('inkeep-chat-server keys', () => {
  it('creates, lists, reports usage of and revokes keys in --data DIR', async () => {
    const created = await keys(
      'create',
      '--data',
      dataDir,
      '--name',
      'ci',
      '--scope',
      'chat,read',
      '--expires',
      '30d',
      '--ip',
      '10.0.0.0/8',
      '--rate-limit',
      '500',
    );
    expect(created.code).toBe(0);
    const { key, id, scopes, rateLimit, allowedIps } = JSON.parse(created.out) as Record<
      string,
      unknown
    >;
    expect(key).toMatch(/^sk_/);
    expect({ scopes, rateLimit, allowedIps }).toEqual({
      scopes: ['chat', 'read'],
      rateLimit: 500,
      allowedIps: ['10.0.0.0/8'],
    });
    // A server started on the folder accepts the key.
    const app = createServerApp(
      withTestLog({ dataDir, settings: { jwtSecret: secret, tokenDelayMs: 0 } }),
    );
    const stored = await app.ready.then(() => app.context.apiKeys.get(String(id)));
    expect(JSON.stringify(stored)).not.toContain(String(key).split('.')[1]);
    const response = await app.request(
      '/run/v1/chat/completions',
      {
        method: 'POST',
        headers: { 'x-api-key': String(key) },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      },
      { incoming: { socket: { remoteAddress: '10.1.1.1' } } },
    );
    expect(response.status).toBe(200);
    // The embedded database is one process's at a time: the server lets go of it.
    await app.context.stores.close();

    const listed = await keys('list', '--data', dataDir);
    expect(JSON.parse(listed.out)).toMatchObject([{ id, name: 'ci', revokedAt: null }]);
    // The server wrote its usage count when it let go of the folder.
    const usage = await keys('usage', String(id), '--data', dataDir);
    expect(JSON.parse(usage.out)).toMatchObject({ id, total: 1 });
    const revoked = await keys('revoke', String(id), '--data', dataDir);
    expect(JSON.parse(revoked.out).revokedAt).toEqual(expect.any(String));
    const again = createServerApp(
      withTestLog({ dataDir, settings: { jwtSecret: secret, tokenDelayMs: 0 } }),
    );
    await again.ready;
    expect(await again.context.apiKeys.verify(String(key))).toEqual({
      ok: false,
      reason: 'revoked',
    });
    await again.context.stores.close();
  });

  it('refuses a folder a running server holds, in one line', async () => {
    const held = mkdtempSync(join(tmpdir(), 'inkeep-keys-held-'));
    mkdirSync(join(held, 'db'));
    // pid 1 always runs.
    writeFileSync(join(held, 'db.lock'), '1');
    const { code, err } = await keys('list', '--data', held);
    rmSync(held, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(err).toEqual([
      expect.stringMatching(/in use by another inkeep-chat-server process \(pid 1\)/),
    ]);
  });

  it('prints a signing secret once with --signed', async () => {
    const created = await keys(
      'create',
      '--data',
      dataDir,
      '--name',
      'signed',
      '--scope',
      'chat',
      '--signed',
    );
    expect(JSON.parse(created.out)).toMatchObject({
      signingSecret: expect.stringMatching(/^[0-9a-f]{64}$/),
      signed: true,
    });
  });

  it.each([
    [['create', '--name', 'x', '--scope', 'chat'], /need --data DIR or DATABASE_URL/],
    [['create', '--data', dataDir, '--scope', 'chat'], /name must be/],
    [['create', '--data', dataDir, '--name', 'x', '--scope', 'root'], /--scope must list/],
    [
      ['create', '--data', dataDir, '--name', 'x', '--scope', 'chat', '--expires', 'soon'],
      /--expires must look like/,
    ],
    [
      ['create', '--data', dataDir, '--name', 'x', '--scope', 'chat', '--ip', '1.2.3'],
      /^inkeep-chat-server: --ip "1.2.3" is not an IP address/,
    ],
    [['revoke', 'nope', '--data', dataDir], /no key with id "nope"/],
    [['rotate', '--data', dataDir], /unknown keys command "rotate"/],
    [['list', '--data', dataDir, '--bogus'], /Unknown option '--bogus'/],
  ])('%j fails in one line', async (argv, message) => {
    const { code, err } = await keys(...argv);
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
  });
});
