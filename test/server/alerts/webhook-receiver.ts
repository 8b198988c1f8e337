// A usage-alert webhook receiver on 127.0.0.1, as a key owner would run one: it keeps every
// delivery and checks signatures the way the README tells receivers to.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiKeyRecord } from '../../../src/server/index.ts';

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

/** Starts a receiver that answers each delivery with the next of `statuses` (then 200). */
export async function startWebhookReceiver(statuses: number[] = []) {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      deliveries.push({ headers: request.headers, body });
      response.statusCode = statuses.shift() ?? 200;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/inkeep`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a receiver does: recompute the HMAC of `t.body` and compare it in constant time. */
export function signatureHolds({ headers, body }: Delivery, secret: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['inkeep-signature'] ?? ''));
  if (!match?.[1] || !match[2]) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

/** A stored service key with an 80% alert threshold on a rate limit of 10, created at `createdAt`. */
export function alertingKey(
  createdAt: number,
  overrides: Partial<ApiKeyRecord> = {},
): ApiKeyRecord {
  return {
    id: 'pub123',
    name: 'backend',
    tenantId: 'default',
    projectId: 'default',
    agentId: null,
    scopes: ['chat'],
    hash: 'scrypt$00$00',
    createdAt: new Date(createdAt).toISOString(),
    expiresAt: null,
    revokedAt: null,
    allowedIps: [],
    rateLimit: 10,
    signingSecret: null,
    usage: { total: 0, byStatus: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, lastUsedAt: null },
    type: 'service',
    createdBy: null,
    alertThreshold: 80,
    alertedAt: null,
    ...overrides,
  };
}
