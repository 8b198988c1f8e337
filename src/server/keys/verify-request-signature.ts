// Request signing, for keys that have a signing secret: the client sends
//   X-Timestamp: <unix seconds>       (within ±300 s of the server's clock)
//   X-Signature: hex(HMAC-SHA256(secret, METHOD + "\n" + PATH + "\n" + TIMESTAMP + "\n" + BODY))
// where PATH is the path with its query string and BODY the raw request body ("" when none).
// Each signature is accepted once: a replay within its window is refused.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { ProblemError } from '../http/problem-error.ts';
import { readBodyText } from '../http/read-json-body.ts';
import type { ServerContext } from '../server-context.ts';

/** How far the client's clock may be from ours, in seconds. */
export const signatureWindowSeconds = 300;

/** The hex signature of a request, as clients compute it. */
export function signRequest(
  secret: string,
  {
    method,
    path,
    timestamp,
    body,
  }: { method: string; path: string; timestamp: number | string; body: string },
): string {
  return createHmac('sha256', secret)
    .update(`${method.toUpperCase()}\n${path}\n${timestamp}\n${body}`)
    .digest('hex');
}

const refused = (detail: string) => new ProblemError(401, 'unauthorized', detail);

/** Checks `X-Timestamp` and `X-Signature` of a request made with a signing key; throws 401. */
export async function verifyRequestSignature(
  c: Context,
  { settings, shared, now }: Pick<ServerContext, 'settings' | 'shared' | 'now'>,
  secret: string,
): Promise<void> {
  const timestampText = c.req.header('x-timestamp') ?? '';
  const signature = c.req.header('x-signature')?.toLowerCase() ?? '';
  if (!/^\d{1,12}$/.test(timestampText) || !/^[0-9a-f]{64}$/.test(signature)) {
    throw refused('Signed requests need X-Timestamp and X-Signature');
  }
  const timestamp = Number(timestampText);
  if (Math.abs(now() / 1000 - timestamp) > signatureWindowSeconds) {
    throw refused('X-Timestamp is outside the allowed window');
  }
  const url = new URL(c.req.url);
  const expected = signRequest(secret, {
    method: c.req.method,
    path: `${url.pathname}${url.search}`,
    timestamp: timestampText,
    body: await readBodyText(c, settings.bodyLimitBytes),
  });
  if (!timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(signature, 'hex'))) {
    throw refused('Invalid request signature');
  }
  const claim = await shared.claim(
    `signature:${signature}`,
    (timestamp + signatureWindowSeconds) * 1000,
  );
  if (claim === 'replayed') throw refused('Request signature was already used');
  if (claim === 'full') {
    throw new ProblemError(429, 'rate_limit_exceeded', 'Too many signed requests', {
      retryAfter: 60,
      budget: 'signed-requests',
    });
  }
}
