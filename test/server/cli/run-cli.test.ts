import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/server/cli/run-cli.ts';
import { createLogger } from '../../../src/server/logs/create-logger.ts';
import { secret } from '../helpers.ts';

const folder = mkdtempSync(join(tmpdir(), 'inkeep-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, content: string) {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

async function run(
  argv: string[],
  env: Record<string, string> = { INKEEP_ANON_JWT_SECRET: secret },
) {
  const out: string[] = [];
  const err: string[] = [];
  const logged: { level: string; msg: string }[] = [];
  const logger = createLogger({
    pretty: false,
    destination: { write: (line: string) => void logged.push(JSON.parse(line)) },
  });
  const result = await runCli(argv, {
    env,
    log: (line) => out.push(line),
    error: (line) => err.push(line),
    logger,
  });
  const warnings = () => logged.filter((line) => line.level === 'warn').map((line) => line.msg);
  return { result, out, err, warnings };
}

describe('inkeep-chat-server CLI', () => {
  it('listens on a free port with the demo apps and prints exactly one line', async () => {
    const { result, out, err } = await run(['--port', '0', '--config', 'demo/apps.json']);
    try {
      expect(err).toEqual([]);
      expect(out).toHaveLength(1);
      const url = /listening on (http:\/\/\S+)/.exec(out[0] ?? '')?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/run/auth/apps/app_demo/anonymous-session`, {
        method: 'POST',
        headers: { origin: 'http://localhost:5173' },
      });
      expect(response.status).toBe(200);
      for (const [appId, status] of [
        ['app_restricted', 403],
        ['app_private', 401],
        ['app_disabled', 404],
      ] as const) {
        const refused = await fetch(`${url}/run/auth/apps/${appId}/anonymous-session`, {
          method: 'POST',
          headers: { origin: 'http://localhost:5173' },
        });
        expect(refused.status).toBe(status);
      }
    } finally {
      await result.server?.close();
    }
  });

  it('warns in one log line when no JWT secret is set', async () => {
    const { result, err, warnings } = await run(['--port', '0'], {});
    await result.server?.close();
    expect(err).toEqual([]);
    expect(warnings()).toEqual([expect.stringMatching(/^INKEEP_ANON_JWT_SECRET is not set/)]);
  });

  it('runs on PostgreSQL with DATABASE_URL and warns in one log line that there is no REDIS_URL', async () => {
    const postgres = process.env.INKEEP_TEST_POSTGRES_URL;
    if (!postgres) throw new Error('the engines setup sets INKEEP_TEST_POSTGRES_URL');
    const { result, out, err, warnings } = await run(['--port', '0'], {
      INKEEP_ANON_JWT_SECRET: secret,
      DATABASE_URL: postgres,
    });
    await result.server?.close();
    expect(out).toEqual([expect.stringMatching(/listening on http:\/\/127\.0\.0\.1:\d+$/)]);
    expect(err).toEqual([]);
    expect(warnings()).toEqual([
      expect.stringMatching(
        /^DATABASE_URL is set but REDIS_URL is not: replay memory and rate limits are per instance/,
      ),
    ]);
  });

  it.each([
    [
      { DATABASE_URL: 'mysql://db.example/x' },
      /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//,
    ],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL must be a URL/],
    [{ INKEEP_QUOTA_VISITOR_BYTES: '-1' }, /INKEEP_QUOTA_VISITOR_BYTES must be an integer/],
    [
      { DATABASE_URL: 'postgres://nobody:secret-password@127.0.0.1:1/none' },
      /cannot reach the database at 127\.0\.0\.1:1\/none: ECONNREFUSED/,
    ],
  ])('%j stops with one line naming the variable (never a password)', async (env, message) => {
    const { result, err } = await run(['--port', '0'], { INKEEP_ANON_JWT_SECRET: secret, ...env });
    expect(result.code).toBe(1);
    expect(err).toEqual([expect.stringMatching(message)]);
    expect(err.join('\n')).not.toContain('secret-password');
  });

  it('prints help', async () => {
    const { result, out } = await run(['--help']);
    expect(result.code).toBe(0);
    expect(out[0]).toContain('--trust-proxy');
  });

  it.each([
    [['--prot', '1'], /Unknown option '--prot'/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--responder', 'gpt'], /--responder must be/],
    [['--config', '/nonexistent/apps.json'], /cannot read config file .*ENOENT/],
    [['--config', file('bad-json.json', '{ nope')], /is not valid JSON/],
    [['--config', file('no-apps.json', '{}')], /"apps" must be an array/],
    [
      ['--config', file('bad-id.json', '{"apps":[{"id":"demo"}]}')],
      /apps\[0\] \(demo\): id must look like/,
    ],
    [
      [
        '--config',
        file(
          'bad-domains.json',
          '{"apps":[{"id":"app_x","config":{"webClient":{"allowedDomains":"x.com"}}}]}',
        ),
      ],
      /apps\[0\] \(app_x\): config\.webClient\.allowedDomains must be an array/,
    ],
    [
      ['--config', file('dupe.json', '{"apps":[{"id":"app_x"},{"id":"app_x"}]}')],
      /apps\[1\] \(app_x\): id is used/,
    ],
  ])('%j stops with one line and exit code 1', async (argv, message) => {
    const { result, out, err } = await run(argv);
    expect(result.code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
    expect(err[0]).not.toMatch(/\n\s+at /);
  });

  it.each([
    [{ INKEEP_ANON_JWT_SECRET: 'short' }, /INKEEP_ANON_JWT_SECRET must be at least 32/],
    [
      { INKEEP_ANON_JWT_SECRET: `${secret}, short` },
      /INKEEP_ANON_JWT_SECRET entry 2 must be at least 32 characters long$/,
    ],
    [
      { INKEEP_ANON_JWT_SECRET: secret, INKEEP_POW_HMAC_SECRET: `short,${secret}` },
      /INKEEP_POW_HMAC_SECRET entry 1 must be at least 32 characters long$/,
    ],
    [
      { INKEEP_ANON_JWT_SECRET: secret, INKEEP_POW_HMAC_SECRET: 'short' },
      /INKEEP_POW_HMAC_SECRET must be at least 32/,
    ],
    [
      { INKEEP_ANON_JWT_SECRET: secret, INKEEP_ADMIN_API_KEY: 'short' },
      /INKEEP_ADMIN_API_KEY must be at least 32/,
    ],
    [
      { INKEEP_ANON_JWT_SECRET: secret, INKEEP_SESSION_RATE_LIMIT: 'many' },
      /INKEEP_SESSION_RATE_LIMIT must be an integer/,
    ],
    [
      {
        INKEEP_ANON_JWT_SECRET: secret,
        INKEEP_POW_HMAC_SECRET: secret,
        INKEEP_POW_CHALLENGE_TTL_SECONDS: '5',
      },
      /INKEEP_POW_CHALLENGE_TTL_SECONDS must be an integer from 60 to 3600/,
    ],
    [
      {
        INKEEP_ANON_JWT_SECRET: secret,
        INKEEP_POW_HMAC_SECRET: secret,
        INKEEP_POW_ALGORITHM: 'MD5',
      },
      /INKEEP_POW_ALGORITHM must be one of/,
    ],
    [{ ENVIRONMENT: 'production' }, /INKEEP_ANON_JWT_SECRET is required/],
    [
      { INKEEP_ANON_JWT_SECRET: secret, INKEEP_RESPONDER: 'openai' },
      /needs INKEEP_UPSTREAM_BASE_URL/,
    ],
  ])('refuses environment %j', async (env, message) => {
    const { result, err } = await run(['--port', '0'], env);
    await result.server?.close();
    expect(result.code).toBe(1);
    expect(err.at(-1)).toMatch(message);
  });

  it('reports a port in use in one line', async () => {
    const first = await run(['--port', '0']);
    const port = first.result.server?.port ?? 0;
    const second = await run(['--port', String(port)]);
    await first.result.server?.close();
    expect(second.result.code).toBe(1);
    expect(second.err).toEqual(['inkeep-chat-server: the port is already in use']);
  });
});
