import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { authenticate } from '../http/authenticate.ts';
import { ProblemError } from '../http/problem-error.ts';
import { validationHook } from '../http/validation-hook.ts';
import type { ServerContext } from '../server-context.ts';
import { adminSecurity, problemResponses } from './route-docs.ts';

const route = createRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics of this instance (text exposition format)',
  description:
    'For an environment admin key only (ADMIN_API_KEY or INKEEP_ADMIN_API_KEY, as X-API-Key or bearer); stored API keys are refused. INKEEP_METRICS_LISTEN serves the same text without credentials on a separate address. Engines are probed once per scrape (inkeep_engine_up, inkeep_engine_latency_seconds).',
  security: adminSecurity,
  responses: {
    200: {
      description: 'Every metric, in the Prometheus text format (README: Operations)',
      content: { 'text/plain': { schema: z.string() } },
    },
    ...problemResponses({
      401: ['unauthorized'],
      403: 'forbidden: a stored API key, or a credential without the manage scope',
      429: ['rate_limit_exceeded'],
      503: 'service_unavailable: the server state could not be opened',
    }),
  },
});

/** `GET /metrics`: the server's Prometheus metrics, for environment admin keys. */
export function createMetricsRoutes(context: ServerContext): OpenAPIHono {
  const routes = new OpenAPIHono({ defaultHook: validationHook });
  routes.openapi(route, async (c) => {
    const principal = await authenticate(c, context, 'manage');
    if (principal.kind !== 'env_key') {
      throw new ProblemError(403, 'forbidden', 'Metrics are for environment admin keys only');
    }
    c.header('Cache-Control', 'no-store');
    // Prometheus's own content type (text/plain; version=0.0.4), which c.text() would replace.
    const text = await context.metrics.render();
    return c.body(text, 200, { 'Content-Type': context.metrics.contentType }) as never;
  });
  return routes;
}
