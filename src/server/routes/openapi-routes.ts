import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { registerSecuritySchemes } from './route-docs.ts';

/** What `/openapi.json` says about the API as a whole. */
const documentConfig = {
  openapi: '3.1.0',
  info: {
    title: 'inkeep-chat Run API',
    version: '0.1.0',
    description:
      'Anonymous sessions with proof of work, streaming chat completions and conversation history. Every error is application/problem+json; a route whose engine (database, Redis) is unreachable answers 503 service_unavailable.',
  },
};

const route = createRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'This document',
  responses: {
    200: {
      description: 'OpenAPI 3.1, generated from the schemas the routes validate with',
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

/**
 * `GET /openapi.json`: the OpenAPI 3.1 description of every route declared on `app` (and the
 * sub-apps mounted on it), generated on the first request, once every route is mounted, and
 * kept.
 */
export function createOpenApiRoutes(app: Pick<OpenAPIHono, 'getOpenAPI31Document'>): OpenAPIHono {
  const routes = new OpenAPIHono();
  registerSecuritySchemes(routes);
  let document: Record<string, unknown> | undefined;
  routes.openapi(route, (c) => {
    document ??= app.getOpenAPI31Document(documentConfig) as unknown as Record<string, unknown>;
    return c.json(document, 200);
  });
  return routes;
}
