// The key lifecycle on the command line: show, update, alert, and key types.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/server/cli/run-cli.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'inkeep-key-lifecycle-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function keys(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const { code } = await runCli(['keys', ...argv, '--data', dataDir], {
    env: {},
    log: (line) => out.push(line),
    error: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('inkeep-chat-server keys show, update, alert and types', () => {
  it('shows a key without its secret, updates it and sets its alert threshold', async () => {
    const created = await keys(
      'create',
      '--name',
      'ci',
      '--scope',
      'chat',
      '--ip',
      '10.0.0.1',
      '--signed',
    );
    expect(created.code).toBe(0);
    const { key, signingSecret, id } = json(created.out) as {
      key: string;
      signingSecret: string;
      id: string;
    };

    const shown = await keys('show', id);
    expect(shown.code).toBe(0);
    expect(shown.out).not.toContain(key.split('.')[1]);
    expect(shown.out).not.toContain(signingSecret);
    expect(shown.out).not.toContain('scrypt');
    expect(json(shown.out)).toMatchObject({
      id,
      name: 'ci',
      type: 'service',
      createdBy: 'cli',
      allowedIps: ['10.0.0.1'],
      signed: true,
      alertThreshold: null,
      alertedAt: null,
    });

    const updating = Date.now();
    const updated = await keys(
      'update',
      id,
      '--name',
      'ci-runner',
      '--add-ip',
      '10.0.0.2',
      '--add-ip',
      '192.168.0.0/24',
      '--remove-ip',
      '10.0.0.1',
      '--rate-limit',
      '120',
      '--expires',
      '30d',
    );
    expect(updated.code).toBe(0);
    const changed = json(updated.out);
    expect(changed).toMatchObject({
      id,
      name: 'ci-runner',
      allowedIps: ['10.0.0.2', '192.168.0.0/24'],
      rateLimit: 120,
    });
    // 30 days from the moment the command ran: between the clock read before and after it.
    const expires = Date.parse(String(changed.expiresAt));
    expect(expires).toBeGreaterThanOrEqual(updating + 30 * 86_400_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);

    const alerted = await keys('alert', id, '--threshold', '80');
    expect(json(alerted.out)).toMatchObject({ alertThreshold: 80 });
    const reset = await keys('update', id, '--rate-limit', 'default', '--expires', 'never');
    expect(json(reset.out)).toMatchObject({ rateLimit: null, expiresAt: null, alertThreshold: 80 });
    const off = await keys('alert', id, '--threshold', 'off');
    expect(json(off.out)).toMatchObject({ alertThreshold: null });
    expect(json((await keys('show', id)).out)).toMatchObject({
      name: 'ci-runner',
      alertThreshold: null,
    });
  });

  it('refuses bad updates with one line naming the flag', async () => {
    const { id } = json((await keys('create', '--name', 'x', '--scope', 'chat')).out) as {
      id: string;
    };
    const refusals: [string[], string][] = [
      [['show', 'nokey1234'], 'no key with id "nokey1234"'],
      [['update', id], 'keys update needs one of --name'],
      [['update', id, '--remove-ip', '10.9.9.9'], '--remove-ip entry "10.9.9.9" is not on'],
      [['update', id, '--add-ip', 'nope'], '--add-ip "nope" is not an IP address'],
      [['update', id, '--rate-limit', 'lots'], '--rate-limit must be a positive integer'],
      [['update', id, '--expires', 'tomorrow'], '--expires must be a date-time in the future'],
      [['alert', id], 'keys alert needs --threshold'],
      [['alert', id, '--threshold', '0'], '--threshold must be an integer percent from 1 to 100'],
      [
        ['alert', id, '--threshold', 'high'],
        '--threshold must be a percent from 1 to 100, or "off"',
      ],
      [['create', '--name', 'y', '--scope', 'chat', '--type', 'forever'], '--type must be one of'],
    ];
    for (const [argv, message] of refusals) {
      const result = await keys(...argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.err, argv.join(' ')).toContain(message);
      expect(result.err).not.toContain('    at ');
    }
  });

  it('stops with one line on an update or alert of a revoked key, which stays as it was', async () => {
    const { id } = json((await keys('create', '--name', 'gone', '--scope', 'chat')).out) as {
      id: string;
    };
    expect((await keys('revoke', id)).code).toBe(0);
    const before = (await keys('show', id)).out;
    for (const argv of [
      ['update', id, '--name', 'back'],
      ['alert', id, '--threshold', '80'],
    ]) {
      const result = await keys(...argv);
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.err).toBe(
        'inkeep-chat-server: API key is revoked: it can no longer be changed',
      );
    }
    expect((await keys('show', id)).out).toBe(before);
  });

  it('creates temporary keys within 24 h and personal keys owned by --owner', async () => {
    const creating = Date.now();
    const createTemporary = (...flags: string[]) =>
      keys('create', '--name', 'tmp', '--scope', 'chat', '--type', 'temporary', ...flags);
    const temporary = await createTemporary();
    expect(temporary.code).toBe(0);
    const made = json(temporary.out) as { id: string; type: string; expiresAt: string };
    expect(made.type).toBe('temporary');
    // The default lifetime, 24 h from the moment the command ran.
    const expires = Date.parse(made.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(creating + 24 * 3_600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000);

    const tooLong = await createTemporary('--expires', '2d');
    expect(tooLong.code).toBe(1);
    expect(tooLong.err).toContain('--expires must be no later than');
    expect(tooLong.err).toContain('a temporary key expires within 24 h of its creation');
    const extended = await keys('update', made.id, '--expires', 'never');
    expect(extended.code).toBe(1);
    expect(extended.err).toContain('--expires must be no later than');

    const personal = await keys(
      'create',
      '--name',
      'mine',
      '--scope',
      'chat',
      '--type',
      'personal',
      '--owner',
      'env:admin',
      '--threshold',
      '90',
    );
    expect(json(personal.out)).toMatchObject({
      type: 'personal',
      createdBy: 'env:admin',
      alertThreshold: 90,
    });
  });

  it('documents the commands in keys --help', async () => {
    const help = await keys('--help');
    expect(help.code).toBe(0);
    for (const text of [
      'keys show ID',
      'keys update ID',
      '--add-ip',
      '--remove-ip',
      'keys alert ID --threshold N|off',
      '--type service|personal|temporary',
      'INKEEP_ALERT_WEBHOOK_URL',
    ]) {
      expect(help.out).toContain(text);
    }
  });
});
