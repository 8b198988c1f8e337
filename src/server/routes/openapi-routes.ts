import { Hono } from 'hono';
import { openApiDocument } from './openapi-document.ts';

/** `GET /openapi.json`: the OpenAPI 3.1 description of every route. */
export function createOpenApiRoutes(): Hono {
  const routes = new Hono();
  routes.get('/openapi.json', (c) => c.json(openApiDocument));
  return routes;
}
