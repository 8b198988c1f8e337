import type { MiddlewareHandler } from 'hono';

/** Options of {@link cors}. */
export interface CorsOptions {
  /** Response headers browsers may read (`Access-Control-Expose-Headers`). */
  exposeHeaders: readonly string[];
  allowMethods: readonly string[];
  maxAgeSeconds?: number;
}

/**
 * CORS for a bearer-token API: every origin may call, no cookies. Preflights answer 204 and
 * allow whatever headers were asked for. Headers are set with `c.header()`, before the
 * response exists, so no response object is built twice (hono/cors sets them on `c.res`).
 */
export function cors({
  exposeHeaders,
  allowMethods,
  maxAgeSeconds = 600,
}: CorsOptions): MiddlewareHandler {
  const exposed = exposeHeaders.join(', ');
  const methods = allowMethods.join(', ');
  return async (c, next) => {
    c.header('Access-Control-Allow-Origin', '*');
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', methods);
      c.header('Access-Control-Max-Age', String(maxAgeSeconds));
      const requested = c.req.header('access-control-request-headers');
      if (requested) {
        c.header('Access-Control-Allow-Headers', requested);
        c.header('Vary', 'Access-Control-Request-Headers');
      }
      return c.body(null, 204);
    }
    c.header('Access-Control-Expose-Headers', exposed);
    await next();
  };
}
