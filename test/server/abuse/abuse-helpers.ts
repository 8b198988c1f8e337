// What the abuse suite shares: a responder that holds its answers open until told, and checks
// of the contract's 429 answer.
import { expect } from 'vitest';
import type { Responder, RespondRequest } from '../../../src/server/chat/responder.ts';

/** A responder whose answers stay open until `finishAll()` (answers after it end at once). */
export function createHeldResponder() {
  const asked: RespondRequest[] = [];
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const responder: Responder = {
    model: 'held',
    async *respond(request) {
      asked.push(request);
      yield 'Hello';
      await Promise.race([
        finished,
        new Promise((resolve) => request.signal.addEventListener('abort', resolve)),
      ]);
      yield ' there.';
    },
  };
  return { responder, asked, finishAll: () => finish() };
}

/** Asserts the contract's 429: problem body with retry_after, Retry-After and rate headers. */
export async function expectRateLimited(response: Response, limit?: number) {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  if (limit !== undefined) expect(response.headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
  expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
  const body = (await response.json()) as {
    code: string;
    status: number;
    error: { code: string; retry_after: number };
  };
  expect(body).toMatchObject({
    status: 429,
    code: 'rate_limit_exceeded',
    error: { code: 'rate_limit_exceeded', retry_after: retryAfter },
  });
}
