// Weak secrets stop start-up; development mode says what it opens and keeps keyless callers
// apart; the rate limiter cannot be reset by flooding it with new keys.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/server/config/config-error.ts';
import { readSettings } from '../../../src/server/config/read-settings.ts';
import { createMemorySharedState } from '../../../src/server/index.ts';
import { createTestApp } from '../helpers.ts';

const strong = 'x'.repeat(32);
const weak = 'x'.repeat(31);

describe('secrets from the environment', () => {
  for (const name of [
    'INKEEP_ANON_JWT_SECRET',
    'INKEEP_POW_HMAC_SECRET',
    'INKEEP_ADMIN_API_KEY',
    'INKEEP_AGENTS_RUN_API_BYPASS_SECRET',
    'ADMIN_API_KEY',
  ]) {
    it(`${name} shorter than 32 characters stops start-up with one line naming it`, () => {
      expect(() => readSettings({ [name]: weak })).toThrow(ConfigError);
      expect(() => readSettings({ [name]: weak })).toThrow(
        new RegExp(`^${name} must be at least 32 characters long$`),
      );
      expect(() => readSettings({ [name]: strong })).not.toThrow();
    });
  }

  it('VALID_API_KEYS: every entry needs 32 characters, and the line says which', () => {
    expect(() => readSettings({ VALID_API_KEYS: `${strong},1234` })).toThrow(
      /^VALID_API_KEYS entry 2 must be at least 32 characters long$/,
    );
    expect(readSettings({ VALID_API_KEYS: `${strong}, ${strong}y` }).settings.validApiKeys).toEqual(
      [strong, `${strong}y`],
    );
  });
});

describe('development mode', () => {
  it('prints one warning line naming what is open', () => {
    const { warnings } = readSettings({
      ENVIRONMENT: 'development',
      INKEEP_ANON_JWT_SECRET: strong,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^ENVIRONMENT=development: requests without an API key/);
    expect(warnings[0]).toContain('each client IP its own owner');
    expect(readSettings({ INKEEP_ANON_JWT_SECRET: strong }).warnings).toEqual([]);
  });

  it("keyless callers on different IPs cannot read each other's conversations", async () => {
    const app = createTestApp({ env: { ENVIRONMENT: 'development' } });
    const scope = {
      'x-inkeep-tenant-id': 'default',
      'x-inkeep-project-id': 'default',
      'x-inkeep-agent-id': 'default',
    };
    const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
    const chat = await app.request(
      '/run/v1/chat/completions',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...scope },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'private' }] }),
      },
      from('10.0.0.1'),
    );
    expect(chat.status).toBe(200);
    const id = chat.headers.get('x-inkeep-conversation-id');
    const own = await app.request(
      `/run/v1/conversations/${id}`,
      { headers: scope },
      from('10.0.0.1'),
    );
    expect(own.status).toBe(200);
    const other = await app.request(
      `/run/v1/conversations/${id}`,
      { headers: scope },
      from('10.0.0.2'),
    );
    expect(other.status).toBe(404);
    const list = await app.request('/run/v1/conversations', { headers: scope }, from('10.0.0.2'));
    expect(((await list.json()) as { data: unknown[] }).data).toEqual([]);
  });
});

describe('the rate limiter under a flood of new keys', () => {
  it('keeps a refused key refused: nothing is evicted to make room', async () => {
    const limiter = createMemorySharedState().limiter('flood', 3);
    for (let index = 0; index < 3; index++) {
      expect((await limiter.consume('victim-of-limit')).allowed).toBe(true);
    }
    expect((await limiter.consume('victim-of-limit')).allowed).toBe(false);
    for (let index = 0; index < 50_000; index++) await limiter.consume(`flood-${index}`);
    const after = await limiter.consume('victim-of-limit');
    expect(after.allowed).toBe(false);
    expect(after.consumed).toBe(5);
  });
});
