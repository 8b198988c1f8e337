import type { Context } from 'hono';
import { problemOf } from '../http/problem-error.ts';
import { chatRoutes } from '../http/route-of.ts';
import { factsOf } from '../logs/note-request.ts';
import type { ServerMetrics } from './create-metrics.ts';

/** The session routes, by the kind of session they issue. */
const sessionRoutes = new Map([
  ['/run/auth/apps/:appId/anonymous-session', 'anonymous'],
  ['/run/auth/apps/:appId/user-session', 'user'],
]);
/** Methods kept as labels; anything else a client invents is `OTHER` (labels stay bounded). */
const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Counts a finished request, answered by `route` (see `routeOf`), once its response is ready. */
export function recordRequest(metrics: ServerMetrics, c: Context, route: string): void {
  const status = c.res.status;
  const method = methods.has(c.req.method) ? c.req.method : 'OTHER';
  metrics.httpRequests.inc({ method, route, status: String(status) });
  const problem = problemOf(c);
  if (problem?.code === 'rate_limit_exceeded') {
    metrics.rateLimitRefusals.inc({ budget: problem.budget ?? 'other' });
  }
  if (c.req.method !== 'POST') return;
  if (chatRoutes.has(route)) {
    metrics.chatRequests.inc({ app: factsOf(c.req.raw).appId ?? 'none', status: String(status) });
  } else {
    const kind = sessionRoutes.get(route);
    if (!kind) return;
    if (status === 200) {
      metrics.sessionsIssued.inc({ kind, app: factsOf(c.req.raw).appId ?? 'none' });
    } else {
      metrics.sessionsRefused.inc({ kind, reason: problem?.code ?? String(status) });
    }
  }
}
