import type { MiddlewareHandler } from 'hono';
import { ProblemError } from './problem-error.ts';
import { readBodyText, readJsonBody } from './read-json-body.ts';

const jsonType = /^application\/([\w.-]+\+)?json$/i;

/**
 * Reads a JSON body within `limit` bytes (413 beyond; a chunked body is counted as it arrives)
 * before a schema validator sees it: malformed JSON, another media type or a body that is not a
 * JSON object are answered as problem+json here, and the validator reads the text kept.
 */
export function limitJsonBody(limit: number): MiddlewareHandler {
  return async (c, next) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!jsonType.test(type)) {
      throw new ProblemError(
        415,
        'unsupported_media_type',
        'Content-Type must be application/json',
      );
    }
    const body = await readJsonBody(c, limit);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ProblemError(400, 'bad_request', 'Request body must be a JSON object');
    }
    // The validator reads `c.req.json()`, which parses this text (read once, kept) again.
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(
      await readBodyText(c, limit),
    );
    await next();
  };
}
