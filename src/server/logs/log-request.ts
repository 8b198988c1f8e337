import type { Context } from 'hono';
import { ProblemError, problemOf } from '../http/problem-error.ts';
import { hashVisitor } from '../session/hash-visitor.ts';
import type { Logger } from './create-logger.ts';
import { factsOf } from './note-request.ts';

/**
 * Writes a request's one log line: method, route pattern (see `routeOf`), status, duration, app
 * id, visitor id (hashed), API key public id, request id, and the problem code when it failed. Never a header,
 * a query, a body or message text, so no credential, token or solution can reach the log.
 */
export function logRequest(
  logger: Logger,
  c: Context,
  {
    requestId,
    route,
    durationMs,
    visitorHashKey,
  }: {
    requestId: string;
    route: string;
    durationMs: number;
    /** `ServerStores.visitorHashKey`; undefined before the stores are open (no visitor then). */
    visitorHashKey: string | undefined;
  },
) {
  const status = c.res.status;
  const level = status >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const facts = factsOf(c.req.raw);
  const line: Record<string, unknown> = {
    requestId,
    method: c.req.method,
    route,
    status,
    durationMs: Math.round(durationMs * 10) / 10,
  };
  if (facts.appId) line.app = facts.appId;
  if (facts.visitor && visitorHashKey) {
    line.visitor = hashVisitor(visitorHashKey, facts.appId ?? '', facts.visitor);
  }
  if (facts.keyId) line.key = facts.keyId;
  if (facts.auth) line.auth = facts.auth;
  const problem = problemOf(c);
  if (problem) line.code = problem.code;
  if (c.error && !(c.error instanceof ProblemError) && status >= 500) {
    // Our own failure: its kind and message, for whoever fixes it (the client saw neither).
    line.error = { type: c.error.name, message: c.error.message };
  }
  logger[level](line, 'request');
}
