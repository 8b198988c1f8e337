import type { Context, MiddlewareHandler } from 'hono';
import { ProblemError } from './problem-error.ts';

const tooLarge = (limit: number) =>
  new ProblemError(413, 'payload_too_large', `Request body is larger than ${limit} bytes`);

/** Rejects a request whose declared `Content-Length` is over `limit` before reading it. */
export function checkContentLength(c: Context, limit: number): void {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
}

const bodies = new WeakMap<Request, string>();

/** Reads at most `limit` bytes of the body as text (413 beyond); read once, then remembered. */
export async function readBodyText(c: Context, limit: number): Promise<string> {
  const cached = bodies.get(c.req.raw);
  if (cached !== undefined) return cached;
  checkContentLength(c, limit);
  const body = c.req.raw.body;
  if (!body) {
    bodies.set(c.req.raw, '');
    return '';
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await reader.read();
    } catch {
      throw new ProblemError(400, 'bad_request', 'Request body could not be read');
    }
    if (result.done) break;
    size += result.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(result.value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  bodies.set(c.req.raw, text);
  return text;
}

// The JSON types the route validator accepts (as @hono/zod-openapi matches them).
const jsonType = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/**
 * Middleware that reads at most `limit` bytes of the body and parses it as JSON before a
 * route's schema validates it: 413 `payload_too_large` beyond the limit, 400 `bad_request` for
 * text that is not JSON, or (unless `optional`, where it means `{}`) for no body at all.
 *
 * The body is taken as JSON whatever its `Content-Type` (as the Run API always has: `curl -d`
 * sends a form type); the validator that follows reads JSON only under a JSON type, so the
 * parsed value is handed to it as such.
 */
export function jsonBody(limit: number, { optional = false } = {}): MiddlewareHandler {
  return async (c, next) => {
    const text = await readBodyText(c, limit);
    let value: unknown = {};
    if (text.trim()) {
      try {
        value = JSON.parse(text);
      } catch {
        throw new ProblemError(400, 'bad_request', 'Request body is not valid JSON');
      }
    } else if (!optional) {
      throw new ProblemError(400, 'bad_request', 'Request body must be a JSON object');
    }
    c.req.bodyCache.json = Promise.resolve(value);
    if (!jsonType.test(c.req.header('content-type') ?? '')) {
      c.req.raw.headers.set('content-type', 'application/json');
    }
    await next();
  };
}
