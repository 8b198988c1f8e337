// Usage alerts: a key's use in its rate-limit window crossing its threshold logs one line, marks
// the key and calls the webhook, once per key and window for the whole fleet.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ApiKeyRecord,
  createMemorySharedState,
  createRedisSharedState,
  createUsageAlerts,
  type RateLimitResult,
  type SharedState,
} from '../../../src/server/index.ts';
import { createLogger } from '../../../src/server/logs/create-logger.ts';
import { createTestApp, keyInput } from '../helpers.ts';
import { createTestStores } from '../test-database.ts';
import { alertingKey } from './webhook-receiver.ts';

const redisUrl = process.env.INKEEP_TEST_REDIS_URL || undefined;
const start = Date.UTC(2026, 0, 1);

const record = (overrides: Partial<ApiKeyRecord> = {}) => alertingKey(start, overrides);

const counted = (consumed: number, reset: number, limit = 10): RateLimitResult => ({
  allowed: consumed <= limit,
  limit,
  remaining: Math.max(0, limit - consumed),
  reset,
  retryAfter: 0,
  consumed,
});

/** An alerts instance whose marks and log lines are recorded. */
function instance(
  shared: SharedState,
  clock: { now: number },
  marked: string[][],
  lines: string[],
) {
  return createUsageAlerts({
    apiKeys: {
      markAlerted: async (id, at) => {
        marked.push([id, at]);
      },
    },
    shared,
    log: (line) => lines.push(line),
    now: () => clock.now,
  });
}

describe('createUsageAlerts', () => {
  it('fires when use reaches the threshold, once a window, across instances sharing state', async () => {
    const clock = { now: start };
    const shared = createMemorySharedState({ now: () => clock.now });
    const marked: string[][] = [];
    const lines: string[] = [];
    const first = instance(shared, clock, marked, lines);
    const second = instance(shared, clock, marked, lines);
    const reset = start / 1000 + 60;

    for (let used = 1; used <= 7; used++) first.observe(record(), counted(used, reset));
    await first.settled();
    expect(lines).toEqual([]);
    for (let used = 8; used <= 12; used++) {
      first.observe(record(), counted(used, reset));
      second.observe(record(), counted(used, reset));
    }
    await Promise.all([first.settled(), second.settled()]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      'usage alert: key pub123 "backend" (default/default) used 8 of 10 requests in its rate-limit window, crossing its 80% threshold',
    );
    expect(marked).toEqual([['pub123', new Date(start).toISOString()]]);

    // The next window alerts again, once.
    clock.now = start + 61_000;
    for (const alerts of [first, second]) alerts.observe(record(), counted(9, reset + 60));
    await Promise.all([first.settled(), second.settled()]);
    expect(lines).toHaveLength(2);
    expect(marked).toHaveLength(2);
  });

  it('ignores keys without a threshold, and counts each key on its own', async () => {
    const clock = { now: start };
    const shared = createMemorySharedState({ now: () => clock.now });
    const marked: string[][] = [];
    const lines: string[] = [];
    const alerts = instance(shared, clock, marked, lines);
    alerts.observe(record({ alertThreshold: null }), counted(10, start / 1000 + 60));
    alerts.observe(record({ id: 'other', alertThreshold: 100 }), counted(9, start / 1000 + 60));
    await alerts.settled();
    expect(lines).toEqual([]);
    alerts.observe(record({ id: 'other', alertThreshold: 100 }), counted(10, start / 1000 + 60));
    alerts.observe(record({ alertThreshold: 1 }), counted(1, start / 1000 + 60));
    await alerts.settled();
    expect(marked.map(([id]) => id).sort()).toEqual(['other', 'pub123']);
  });

  describe.skipIf(!redisUrl)('on Redis', () => {
    const opened: SharedState[] = [];
    afterEach(async () => {
      for (const shared of opened.splice(0)) await shared.close();
    });

    it('two instances on one Redis fire one alert a window', async () => {
      const prefix = `test_${process.pid}_${randomUUID()}`;
      const [a, b] = await Promise.all([
        createRedisSharedState({ url: redisUrl as string, prefix }),
        createRedisSharedState({ url: redisUrl as string, prefix }),
      ]);
      opened.push(a, b);
      const clock = { now: Date.now() };
      const marked: string[][] = [];
      const lines: string[] = [];
      const first = instance(a, clock, marked, lines);
      const second = instance(b, clock, marked, lines);
      const reset = Math.ceil(clock.now / 1000) + 60;
      // The two see the window end a second apart: still one claim.
      first.observe(record(), counted(8, reset));
      second.observe(record(), counted(9, reset + 1));
      await Promise.all([first.settled(), second.settled()]);
      expect(lines).toHaveLength(1);
      expect(marked).toHaveLength(1);
    });
  });
});

describe('usage alerts through the server', () => {
  it('a key’s requests crossing its threshold log one line (never the secret) and mark the key, once for two instances', async () => {
    const shared = createMemorySharedState();
    const stores = await createTestStores({ shared });
    const lines: string[] = [];
    const options = {
      stores,
      shared,
      env: { ENVIRONMENT: 'production' },
      alerts: { log: (line: string) => lines.push(line) },
    };
    const first = createTestApp(options);
    const second = createTestApp(options);
    const { key, record: created } = await stores.apiKeys.create(
      keyInput({ name: 'reporting', rateLimit: 10, alertThreshold: 50 }),
    );
    const read = (app: ReturnType<typeof createTestApp>) =>
      app.request('/run/v1/conversations', { headers: { 'x-api-key': key } });

    for (let index = 0; index < 4; index++) expect((await read(first)).status).toBe(200);
    await first.context.alerts.settled();
    expect(lines).toEqual([]);
    expect((await stores.apiKeys.get(created.id))?.alertedAt).toBeNull();

    for (let index = 0; index < 3; index++) expect((await read(first)).status).toBe(200);
    await first.context.alerts.settled();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`key ${created.id} "reporting"`);
    expect(lines[0]).toContain('used 5 of 10 requests');
    expect(lines[0]).not.toContain(key.split('.')[1]);
    expect((await stores.apiKeys.get(created.id))?.alertedAt).toEqual(expect.any(String));

    // The second instance counts its own requests in memory, and crosses too: the shared claim
    // keeps it quiet.
    for (let index = 0; index < 6; index++) expect((await read(second)).status).toBe(200);
    await second.context.alerts.settled();
    expect(lines).toHaveLength(1);

    // The manage API shows the mark.
    const shown = await first.request(
      `/manage/tenants/default/projects/default/api-keys/${created.id}`,
      {
        headers: {
          'x-api-key': (await stores.apiKeys.create(keyInput({ scopes: ['manage'] }))).key,
        },
      },
    );
    expect(await shown.json()).toMatchObject({
      data: { alertThreshold: 50, alertedAt: expect.any(String) },
    });
  });

  it('writes its line as a warning of the server’s log when the server has one', async () => {
    const logged: { level: string; msg: string }[] = [];
    const logger = createLogger({
      pretty: false,
      destination: { write: (line: string) => void logged.push(JSON.parse(line)) },
    });
    const stores = await createTestStores();
    const app = createTestApp({ stores, logger, env: { ENVIRONMENT: 'production' } });
    const { key, record } = await stores.apiKeys.create(
      keyInput({ name: 'nightly', rateLimit: 4, alertThreshold: 50 }),
    );
    for (let index = 0; index < 2; index++) {
      const response = await app.request('/run/v1/conversations', {
        headers: { 'x-api-key': key },
      });
      expect(response.status).toBe(200);
    }
    await app.context.alerts.settled();
    const warnings = logged.filter((line) => line.level === 'warn').map((line) => line.msg);
    expect(warnings).toEqual([expect.stringContaining(`usage alert: key ${record.id} "nightly"`)]);
    expect(JSON.stringify(logged)).not.toContain(key.split('.')[1]);
  });
});
