// The usage-alert webhook against a real receiver on 127.0.0.1: the body is signed
// (`Inkeep-Signature: t=…,v1=HMAC-SHA256(secret, t.body)`), a 5xx or a network error is retried
// with exponential backoff (waits recorded, never timed), a 4xx is not.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createMemorySharedState,
  createUsageAlerts,
  readSettings,
  signWebhookBody,
  type UsageAlertDelivery,
} from '../../../src/server/index.ts';
import {
  alertingKey,
  type Delivery,
  signatureHolds,
  startWebhookReceiver,
} from './webhook-receiver.ts';

const secret = 'whsec-test-0123456789abcdef0123456789';
const start = Date.UTC(2026, 0, 1, 12);

const receivers: Awaited<ReturnType<typeof startWebhookReceiver>>[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function receiver(statuses: number[]) {
  const started = await startWebhookReceiver(statuses);
  receivers.push(started);
  return started;
}

const verify = (delivery: Delivery, key = secret) => signatureHolds(delivery, key);

const key = alertingKey(start, { name: 'reporting' });

function alertsFor(
  url: string,
  { attempts = 5, backoffMs = 1000, markAlerted = async () => {} } = {},
) {
  const waits: number[] = [];
  const lines: string[] = [];
  const alerts = createUsageAlerts({
    apiKeys: { markAlerted },
    shared: createMemorySharedState({ now: () => start }),
    webhook: { url, secret, attempts, backoffMs },
    log: (line) => lines.push(line),
    sleep: async (ms) => {
      waits.push(ms);
    },
    now: () => start,
    newId: () => 'wh_test1',
  });
  const cross = async () => {
    alerts.observe(key, {
      allowed: true,
      limit: 10,
      remaining: 2,
      reset: start / 1000 + 30,
      retryAfter: 0,
      consumed: 8,
    });
    await alerts.settled();
  };
  return { cross, waits, lines };
}

describe('the usage-alert webhook', () => {
  it('POSTs a signed JSON body that a receiver verifies, and retries after a 500', async () => {
    const hook = await receiver([500]);
    const { cross, waits, lines } = alertsFor(hook.url);
    await cross();
    expect(hook.deliveries).toHaveLength(2);
    const [failed, delivered] = hook.deliveries as [Delivery, Delivery];
    for (const delivery of hook.deliveries) {
      expect(verify(delivery)).toBe(true);
      expect(verify(delivery, `${secret}x`)).toBe(false);
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.headers['inkeep-webhook-id']).toBe('wh_test1');
    }
    expect(failed.headers['inkeep-webhook-attempt']).toBe('1');
    expect(delivered.headers['inkeep-webhook-attempt']).toBe('2');
    expect(delivered.headers['inkeep-signature']).toBe(
      signWebhookBody(delivered.body, secret, start),
    );
    expect(String(delivered.headers['inkeep-signature'])).toMatch(
      new RegExp(`^t=${start / 1000},v1=`),
    );
    const body = JSON.parse(delivered.body) as UsageAlertDelivery;
    expect(body).toEqual({
      id: 'wh_test1',
      type: 'api_key.usage_alert',
      createdAt: new Date(start).toISOString(),
      data: {
        keyId: 'pub123',
        name: 'reporting',
        tenantId: 'default',
        projectId: 'default',
        threshold: 80,
        used: 8,
        limit: 10,
        windowResetsAt: new Date(start + 30_000).toISOString(),
        crossedAt: new Date(start).toISOString(),
      },
    });
    // A tampered body no longer verifies.
    expect(verify({ ...delivered, body: delivered.body.replace('"used":8', '"used":1') })).toBe(
      false,
    );
    expect(waits).toEqual([1000]);
    expect(lines).toHaveLength(1);
  });

  it('backs off exponentially and gives up after the configured attempts, with one line', async () => {
    const hook = await receiver([503, 500, 502, 500]);
    const { cross, waits, lines } = alertsFor(hook.url, { attempts: 4, backoffMs: 250 });
    await cross();
    expect(hook.deliveries.map((delivery) => delivery.headers['inkeep-webhook-attempt'])).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    expect(waits).toEqual([250, 500, 1000]);
    expect(lines[1]).toBe(
      'usage alert webhook wh_test1 for key pub123 failed after 4 attempts: HTTP 500',
    );
  });

  it('does not retry a 4xx, and retries a network error', async () => {
    const hook = await receiver([400]);
    const refused = alertsFor(hook.url);
    await refused.cross();
    expect(hook.deliveries).toHaveLength(1);
    expect(refused.waits).toEqual([]);
    expect(refused.lines[1]).toContain('failed after 1 attempt: HTTP 400');

    // Nothing listens on a closed receiver's port: every attempt is a network error.
    const closed = await receiver([]);
    await receivers.pop()?.close();
    const unreachable = alertsFor(closed.url, { attempts: 3, backoffMs: 10 });
    await unreachable.cross();
    expect(unreachable.waits).toEqual([10, 20]);
    expect(unreachable.lines[1]).toContain('failed after 3 attempts');
  });

  it('is still delivered when the key cannot be marked (the database does not answer)', async () => {
    const hook = await receiver([]);
    const { cross, lines } = alertsFor(hook.url, {
      markAlerted: async () => {
        throw new Error('Service unavailable: database is unreachable');
      },
    });
    await cross();
    expect(hook.deliveries).toHaveLength(1);
    expect(lines[1]).toBe(
      'usage alert for key pub123 not marked: Service unavailable: database is unreachable',
    );
  });

  it('is configured by INKEEP_ALERT_WEBHOOK_* (the secret required, at least 32 characters)', () => {
    const url = 'https://hooks.example.com/inkeep';
    expect(readSettings({}).settings.alertWebhook).toBeUndefined();
    expect(
      readSettings({ INKEEP_ALERT_WEBHOOK_URL: url, INKEEP_ALERT_WEBHOOK_SECRET: secret }).settings
        .alertWebhook,
    ).toEqual({ url, secret, attempts: 5, backoffMs: 1000 });
    expect(
      readSettings({
        INKEEP_ALERT_WEBHOOK_URL: url,
        INKEEP_ALERT_WEBHOOK_SECRET: secret,
        INKEEP_ALERT_WEBHOOK_ATTEMPTS: '3',
        INKEEP_ALERT_WEBHOOK_BACKOFF_MS: '50',
      }).settings.alertWebhook,
    ).toMatchObject({ attempts: 3, backoffMs: 50 });
    for (const [env, message] of [
      [
        { INKEEP_ALERT_WEBHOOK_URL: url },
        'INKEEP_ALERT_WEBHOOK_URL needs INKEEP_ALERT_WEBHOOK_SECRET',
      ],
      [
        { INKEEP_ALERT_WEBHOOK_URL: url, INKEEP_ALERT_WEBHOOK_SECRET: 'short' },
        'INKEEP_ALERT_WEBHOOK_SECRET must be at least 32 characters',
      ],
      [{ INKEEP_ALERT_WEBHOOK_SECRET: secret }, 'INKEEP_ALERT_WEBHOOK_URL is not'],
      [
        { INKEEP_ALERT_WEBHOOK_URL: 'ftp://x', INKEEP_ALERT_WEBHOOK_SECRET: secret },
        'INKEEP_ALERT_WEBHOOK_URL must start with',
      ],
      [
        {
          INKEEP_ALERT_WEBHOOK_URL: url,
          INKEEP_ALERT_WEBHOOK_SECRET: secret,
          INKEEP_ALERT_WEBHOOK_ATTEMPTS: '0',
        },
        'INKEEP_ALERT_WEBHOOK_ATTEMPTS must be an integer from 1 to 20',
      ],
    ] as const) {
      expect(() => readSettings(env)).toThrow(ConfigError);
      expect(() => readSettings(env)).toThrow(message);
    }
  });
});
