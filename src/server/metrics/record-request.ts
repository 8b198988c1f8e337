import type { Context } from 'hono';
import { ProblemError } from '../http/problem-error.ts';
import { routeOf } from '../logs/log-request.ts';
import { factsOf } from '../logs/note-request.ts';
import type { ServerMetrics } from './create-metrics.ts';

const chatRoutes = new Set(['/run/v1/chat/completions', '/run/api/chat']);
const sessionRoute = '/run/auth/apps/:appId/anonymous-session';
/** Methods kept as labels; anything else a client invents is `OTHER` (labels stay bounded). */
const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Counts a finished request in `metrics` (after its response is ready). */
export function recordRequest(metrics: ServerMetrics, c: Context): void {
  const route = routeOf(c);
  const status = c.res.status;
  const method = methods.has(c.req.method) ? c.req.method : 'OTHER';
  metrics.httpRequests.inc({ method, route, status: String(status) });
  const problem = c.error instanceof ProblemError ? c.error : undefined;
  if (problem?.code === 'rate_limit_exceeded') {
    metrics.rateLimitRefusals.inc({ budget: problem.budget ?? 'other' });
  }
  if (c.req.method !== 'POST') return;
  if (chatRoutes.has(route)) {
    metrics.chatRequests.inc({ app: factsOf(c.req.raw).appId ?? 'none', status: String(status) });
  } else if (route === sessionRoute) {
    if (status === 200) metrics.sessionsIssued.inc({ app: factsOf(c.req.raw).appId ?? 'none' });
    else metrics.sessionsRefused.inc({ reason: problem?.code ?? String(status) });
  }
}
