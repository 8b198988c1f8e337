import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { requestIdOf } from '../logs/assign-request-id.ts';
import type { UserTokenProblemCode } from '../session/verify-user-token.ts';

/** Every `code` the Run API puts in a problem+json body. */
export type ProblemCode =
  | 'bad_request'
  | 'pow_required'
  | 'pow_invalid'
  | 'pow_expired'
  | 'unauthorized'
  | 'expired_api_key'
  | 'temporary_key_expiry'
  | 'anonymous_disabled'
  | UserTokenProblemCode
  | 'origin_not_allowed'
  | 'forbidden'
  | 'not_found'
  | 'key_revoked'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'quota_exceeded'
  | 'rate_limit_exceeded'
  | 'service_unavailable'
  | 'upstream_error'
  | 'internal_error'
  | 'shutting_down'
  | 'draining'
  | 'unavailable';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** A failure the client is told about as `application/problem+json`; thrown by handlers. */
export class ProblemError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ProblemCode;
  readonly detail: string;
  /** Seconds to wait, for 429 (becomes `Retry-After` and `error.retry_after`). */
  readonly retryAfter: number | undefined;
  /** For 429 `rate_limit_exceeded`: the budget that refused (a metrics label, never sent). */
  readonly budget: string | undefined;

  constructor(
    status: ContentfulStatusCode,
    code: ProblemCode,
    detail: string,
    options: { retryAfter?: number; budget?: string; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'ProblemError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.retryAfter = options.retryAfter;
    this.budget = options.budget;
  }
}

/**
 * The problem+json body for a status, code and detail, in the contract's shape, with the
 * request's id (the response's `x-request-id`) when it has one.
 */
export function problemBody(
  status: number,
  code: ProblemCode,
  detail: string,
  retryAfter?: number,
  requestId?: string,
) {
  const error: Record<string, unknown> = { code, message: detail, status };
  if (retryAfter !== undefined) error.retry_after = retryAfter;
  const body: Record<string, unknown> = {
    title: titles[status] ?? 'Error',
    status,
    detail,
    code,
    error,
  };
  if (requestId !== undefined) body.requestId = requestId;
  return body;
}

const answered = new WeakMap<Request, ProblemError>();

/**
 * The problem a request was answered with, however it came to be: thrown by a route, made of
 * another error by the error handler, or answered directly (drain, readiness, not found). For
 * its log line, metrics and activity.
 */
export function problemOf(c: Context): ProblemError | undefined {
  return answered.get(c.req.raw) ?? (c.error instanceof ProblemError ? c.error : undefined);
}

/** Renders a {@link ProblemError} on the context, keeping headers already set (CORS, limits). */
export function problemResponse(c: Context, problem: ProblemError): Response {
  answered.set(c.req.raw, problem);
  if (problem.retryAfter !== undefined) c.header('Retry-After', String(problem.retryAfter));
  c.header('Content-Type', 'application/problem+json');
  c.header('Cache-Control', 'no-store');
  return c.body(
    JSON.stringify(
      problemBody(
        problem.status,
        problem.code,
        problem.detail,
        problem.retryAfter,
        requestIdOf(c.req.raw),
      ),
    ),
    problem.status,
  );
}
