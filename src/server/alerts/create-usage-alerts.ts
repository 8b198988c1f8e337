import { randomUUID } from 'node:crypto';
import type { AlertWebhookSettings } from '../config/read-settings.ts';
import type { ApiKeyRecord } from '../keys/api-key.ts';
import type { RateLimitResult, SharedState } from '../shared/shared-state.ts';
import { createBackgroundWork } from '../storage/create-background-work.ts';
import type { ApiKeyStore } from '../storage/stores.ts';
import { signWebhookBody } from './sign-webhook-body.ts';

/** What a usage alert tells: a key's use in its rate-limit window crossed its threshold. */
export interface UsageAlert {
  keyId: string;
  name: string;
  tenantId: string;
  projectId: string;
  /** Percent of the rate limit. */
  threshold: number;
  /** Requests counted in the window when it crossed. */
  used: number;
  /** The key's rate limit (requests per 60 s). */
  limit: number;
  /** When the window ends (ISO 8601). */
  windowResetsAt: string;
  crossedAt: string;
}

/** The JSON body POSTed to `INKEEP_ALERT_WEBHOOK_URL`. */
export interface UsageAlertDelivery {
  /** Also sent as `Inkeep-Webhook-Id`: the same for every attempt, so a receiver can dedupe. */
  id: string;
  type: 'api_key.usage_alert';
  createdAt: string;
  data: UsageAlert;
}

/** Usage alerts of API keys, fired at most once per key and rate-limit window, fleet-wide. */
export interface UsageAlerts {
  /** Judges a counted request of `record` (its rate-limit result); any alert runs in the background. */
  observe(record: ApiKeyRecord, result: RateLimitResult): void;
  /** Resolves when every alert started so far is logged, marked and delivered (or given up). */
  settled(): Promise<void>;
}

/** Options of {@link createUsageAlerts}. */
export interface UsageAlertsOptions {
  apiKeys: Pick<ApiKeyStore, 'markAlerted'>;
  /** Where instances claim an alert, so that one fires per window across the fleet. */
  shared: Pick<SharedState, 'claim'>;
  /** Where alerts are POSTed, signed; none = log and mark only. */
  webhook?: AlertWebhookSettings | undefined;
  /** One line a crossing (never a secret), and one a delivery given up. */
  log?: (line: string) => void;
  fetch?: typeof globalThis.fetch;
  /** Waits between attempts (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  newId?: () => string;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Watches the requests of keys with an alert threshold. When a key's use in its rate-limit
 * window reaches `threshold`% of its limit, the instance that claims the alert (in the shared
 * state, until the window ends) logs one line, sets the key's `alertedAt` (the dashboard's mark)
 * and POSTs a signed {@link UsageAlertDelivery} to the webhook, retried on a network error, a
 * 429 or a 5xx with exponential backoff (`backoffMs`, doubled each time) up to `attempts` times.
 */
export function createUsageAlerts({
  apiKeys,
  shared,
  webhook,
  log = (line) => console.error(`inkeep-chat-server: ${line}`),
  fetch = globalThis.fetch,
  sleep = wait,
  now = Date.now,
  newId = () => `wh_${randomUUID().replaceAll('-', '')}`,
}: UsageAlertsOptions): UsageAlerts {
  const background = createBackgroundWork();
  // The window (its reset time) each key was last judged crossed in on this instance: one
  // claim a key and window, not one a request past the threshold.
  const judged = new Map<string, number>();

  async function deliver(alert: UsageAlert, target: AlertWebhookSettings): Promise<void> {
    const delivery: UsageAlertDelivery = {
      id: newId(),
      type: 'api_key.usage_alert',
      createdAt: new Date(now()).toISOString(),
      data: alert,
    };
    const body = JSON.stringify(delivery);
    for (let attempt = 1; attempt <= target.attempts; attempt++) {
      let reason: string;
      let retry = true;
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'inkeep-chat-server',
            'Inkeep-Signature': signWebhookBody(body, target.secret, now()),
            'Inkeep-Webhook-Id': delivery.id,
            'Inkeep-Webhook-Attempt': String(attempt),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(10_000),
        });
        await response.body?.cancel().catch(() => {});
        if (response.ok) return;
        reason = `HTTP ${response.status}`;
        retry = response.status >= 500 || response.status === 429;
      } catch (error) {
        reason = messageOf(error);
      }
      if (!retry || attempt === target.attempts) {
        log(
          `usage alert webhook ${delivery.id} for key ${alert.keyId} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${reason}`,
        );
        return;
      }
      await sleep(target.backoffMs * 2 ** (attempt - 1));
    }
  }

  async function fire(record: ApiKeyRecord, result: RateLimitResult, threshold: number) {
    const windowEnd = result.reset * 1000;
    // Per key, until the window ends: instances whose clocks see the reset a second apart
    // still find one claim.
    const claim = await shared.claim(`key-alert:${record.id}`, windowEnd, `key-alert:${record.id}`);
    if (claim !== 'claimed') return;
    const crossedAt = new Date(now()).toISOString();
    const alert: UsageAlert = {
      keyId: record.id,
      name: record.name,
      tenantId: record.tenantId,
      projectId: record.projectId,
      threshold,
      used: result.consumed,
      limit: result.limit,
      windowResetsAt: new Date(windowEnd).toISOString(),
      crossedAt,
    };
    // JSON-quoted: a name cannot start a log line of its own.
    log(
      `usage alert: key ${record.id} ${JSON.stringify(record.name)} (${record.tenantId}/${record.projectId}) used ${result.consumed} of ${result.limit} requests in its rate-limit window, crossing its ${threshold}% threshold`,
    );
    // The mark is the dashboard's; a database that does not answer must not stop the webhook.
    await apiKeys.markAlerted(record.id, crossedAt).catch((error: unknown) => {
      log(`usage alert for key ${record.id} not marked: ${messageOf(error)}`);
    });
    if (webhook) await deliver(alert, webhook);
  }

  return {
    observe(record, result) {
      const threshold = record.alertThreshold;
      if (threshold === null || result.limit <= 0) return;
      if (result.consumed < Math.ceil((result.limit * threshold) / 100)) return;
      if (judged.get(record.id) === result.reset) return;
      judged.set(record.id, result.reset);
      background.run(
        fire(record, result, threshold).catch((error: unknown) => {
          log(`usage alert for key ${record.id} not sent: ${messageOf(error)}`);
        }),
      );
    },
    settled: () => background.settled(),
  };
}
