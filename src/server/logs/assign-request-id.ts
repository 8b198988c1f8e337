import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';

const ids = new WeakMap<Request, string>();

/** An incoming `x-request-id` worth keeping: 1–128 characters of letters, digits and `-_.:/=+`. */
const saneRequestId = /^[A-Za-z0-9._:/=+-]{1,128}$/;

/**
 * Gives the request its id, once: the incoming `x-request-id` when `trustProxy` is on (a proxy
 * you run set it) and it is sane, otherwise a new UUID. The id goes on the response as
 * `x-request-id`, on the request's log line and in its problem bodies.
 */
export function assignRequestId(c: Context, trustProxy: boolean): string {
  const known = ids.get(c.req.raw);
  if (known) return known;
  const incoming = trustProxy ? c.req.header('x-request-id')?.trim() : undefined;
  const id = incoming && saneRequestId.test(incoming) ? incoming : randomUUID();
  ids.set(c.req.raw, id);
  return id;
}

/** The id {@link assignRequestId} gave the request, if any. */
export function requestIdOf(request: Request): string | undefined {
  return ids.get(request);
}
