import { createHmac } from 'node:crypto';

/**
 * The `Inkeep-Signature` header of a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" under the secret>`. A receiver recomputes it, compares in constant time and
 * refuses a `t` too far from its clock (a replayed delivery).
 * @example
 * const signature = signWebhookBody(body, process.env.INKEEP_ALERT_WEBHOOK_SECRET, Date.now());
 */
export function signWebhookBody(body: string, secret: string, nowMs: number): string {
  const timestamp = Math.floor(nowMs / 1000);
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}
