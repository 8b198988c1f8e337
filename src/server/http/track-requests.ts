import type { Context, MiddlewareHandler } from 'hono';
import { assignRequestId } from '../logs/assign-request-id.ts';
import { logRequest } from '../logs/log-request.ts';
import { recordRequest } from '../metrics/record-request.ts';
import type { ServerContext } from '../server-context.ts';
import { ProblemError, problemResponse } from './problem-error.ts';
import { routeOf } from './route-of.ts';

/** Routes a draining server still answers: the balancer's checks and the operator's metrics. */
const answeredWhileDraining = new Set(['/livez', '/healthz', '/readyz', '/metrics']);

/** Options of {@link trackRequests}. */
export interface TrackRequestsOptions {
  /** Write the request log line (off for the bench's baseline). */
  log: boolean;
  /** Count the request in the metrics. */
  measure: boolean;
}

/**
 * The first middleware of every request: gives it its id (`x-request-id`), counts it as in
 * flight for the drain, and once its response is ready writes its log line and metrics. The
 * refusal while draining is {@link refuseWhileDraining}, placed after CORS.
 */
export function trackRequests(
  context: ServerContext,
  { log, measure }: TrackRequestsOptions,
): MiddlewareHandler {
  const { settings, drain } = context;
  return async (c, next) => {
    const started = performance.now();
    const requestId = assignRequestId(c, settings.trustProxy);
    c.header('x-request-id', requestId);
    const leave = drain.enter();
    try {
      await next();
    } finally {
      leave();
    }
    keepRequestId(c, requestId);
    if (!log && !measure) return;
    const route = routeOf(c);
    if (log) {
      logRequest(context.logger, c, {
        requestId,
        route,
        durationMs: performance.now() - started,
        // Unset until the stores are open (the context is filled in then).
        visitorHashKey: (context.stores as ServerContext['stores'] | undefined)?.visitorHashKey,
      });
    }
    if (measure) recordRequest(context.metrics, c, route);
  };
}

/**
 * Refuses a request with 503 `shutting_down` (and `Retry-After`) while the server drains, health
 * and metrics excepted. Placed after the CORS middleware, so a cross-origin widget can read the
 * refusal, and after {@link trackRequests}, so the request was counted in flight first.
 */
export function refuseWhileDraining(context: ServerContext): MiddlewareHandler {
  const { drain } = context;
  return async (c, next) => {
    if (!drain.draining || answeredWhileDraining.has(c.req.path)) return next();
    c.header('Retry-After', '5');
    c.header('Connection', 'close');
    return problemResponse(
      c,
      new ProblemError(503, 'shutting_down', 'The server is shutting down; try again'),
    );
  };
}

/** Some responses are built whole by a handler (static files); they get the id too. */
function keepRequestId(c: Context, requestId: string) {
  if (c.res.headers.get('x-request-id') === requestId) return;
  try {
    c.res.headers.set('x-request-id', requestId);
  } catch {
    // Immutable headers (a fetched response passed through): rebuild it with the id.
    const headers = new Headers(c.res.headers);
    headers.set('x-request-id', requestId);
    c.res = new Response(c.res.body, { status: c.res.status, headers });
  }
}
