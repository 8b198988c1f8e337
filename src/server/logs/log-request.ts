import type { Context } from 'hono';
import { routePath } from 'hono/route';
import { ProblemError } from '../http/problem-error.ts';
import type { Logger } from './create-logger.ts';
import { factsOf, hashVisitor } from './note-request.ts';

/** Routes of a fixed path, named by it even when shared middleware refused them first. */
const fixedPathRoutes = new Set(['/run/v1/chat/completions', '/run/api/chat']);
const sessionPath = /^\/run\/auth\/apps\/[^/]+\/(anonymous|user)-session$/;

/**
 * The route pattern that answered (`/run/v1/conversations/:id`), never the raw path. A request
 * refused by middleware shared by every route (a 413 by its declared length, a 503 while
 * draining) is still named after its route when its path is a chat or session route's, so
 * the chat and session counters see it; the set of names stays bounded.
 */
export function routeOf(c: Context): string {
  const pattern = routePath(c, c.req.routeIndex) || '*';
  if (!pattern.endsWith('*')) return pattern;
  const { path } = c.req;
  if (fixedPathRoutes.has(path)) return path;
  const session = sessionPath.exec(path);
  return session ? `/run/auth/apps/:appId/${session[1]}-session` : pattern;
}

/**
 * Writes a request's one log line: method, route pattern, status, duration, app id, visitor id
 * (hashed), API key public id, request id, and the problem code when it failed. Never a header,
 * a query, a body or message text, so no credential, token or solution can reach the log.
 */
export function logRequest(logger: Logger, c: Context, requestId: string, durationMs: number) {
  const status = c.res.status;
  const level = status >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const facts = factsOf(c.req.raw);
  const line: Record<string, unknown> = {
    requestId,
    method: c.req.method,
    route: routeOf(c),
    status,
    durationMs: Math.round(durationMs * 10) / 10,
  };
  if (facts.appId) line.app = facts.appId;
  if (facts.visitor) line.visitor = hashVisitor(facts.visitor);
  if (facts.keyId) line.key = facts.keyId;
  if (facts.auth) line.auth = facts.auth;
  const problem = c.error instanceof ProblemError ? c.error : undefined;
  if (problem) line.code = problem.code;
  else if (c.error && status >= 500) {
    // Our own failure: its kind and message, for whoever fixes it (the client saw neither).
    line.error = { type: c.error.name, message: c.error.message };
  }
  logger[level](line, 'request');
}
