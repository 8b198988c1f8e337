import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { ServerContext } from '../server-context.ts';
import { problemSchema } from './route-docs.ts';

const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'unavailable']),
    database: z.enum(['up', 'down']),
    redis: z.enum(['up', 'down', 'unused']).meta({ description: 'unused without REDIS_URL' }),
  })
  .meta({ id: 'Health' });

const route = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Health of the server and the engines it uses, for load balancers',
  description:
    'ok: every engine answers. degraded: Redis does not; the server keeps serving, rate limits count per instance and proof-of-work sessions get 503. unavailable: the database does not. Sent with Cache-Control: no-store.',
  responses: {
    200: {
      description: 'Serving (ok or degraded)',
      content: {
        'application/json': {
          schema: healthSchema.extend({
            status: z.enum(['ok', 'degraded']),
            database: z.literal('up'),
          }),
        },
      },
    },
    503: {
      description:
        'The database is down (or the server state could not be opened: problem+json service_unavailable)',
      content: {
        'application/json': {
          schema: healthSchema.extend({
            status: z.literal('unavailable'),
            database: z.literal('down'),
          }),
        },
        'application/problem+json': { schema: problemSchema },
      },
    },
  },
});

/** `GET /healthz`: unauthenticated; engines are asked at most once a second, however often it is hit. */
export function createHealthRoutes(context: ServerContext): OpenAPIHono {
  const routes = new OpenAPIHono();
  routes.openAPIRegistry.register('Health', healthSchema);
  let health:
    | { at: number; answer: Promise<['up' | 'down', 'up' | 'down' | 'unused']> }
    | undefined;
  routes.openapi(route, async (c) => {
    if (!health || performance.now() - health.at > 1000) {
      health = {
        at: performance.now(),
        answer: Promise.all([
          context.stores.health(),
          context.shared.engine === 'redis' ? context.shared.health() : ('unused' as const),
        ]),
      };
    }
    const [database, redis] = await health.answer;
    c.header('Cache-Control', 'no-store');
    if (database === 'down')
      return c.json({ status: 'unavailable', database, redis } as const, 503);
    return c.json({ status: redis === 'down' ? 'degraded' : 'ok', database, redis } as const, 200);
  });
  return routes;
}
