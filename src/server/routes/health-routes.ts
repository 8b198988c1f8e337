import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ProblemError, problemResponse } from '../http/problem-error.ts';
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
  summary: 'Health of the server and the engines it uses, for people and status pages',
  description:
    'Not a liveness probe (it is 503 while the database is down, and restarting instances does not bring a database back: use /livez) nor a balancer check (use /readyz). ok: every engine answers. degraded: Redis does not; the server keeps serving, rate limits count per instance and proof-of-work sessions get 503. unavailable: the database does not. Sent with Cache-Control: no-store.',
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

const liveRoute = createRoute({
  method: 'get',
  path: '/livez',
  summary: 'Liveness, for restart probes: 200 while the process serves requests',
  description:
    'Asks no engine: a database or Redis outage, a state that could not be opened, or a drain in progress do not make it fail, so a liveness probe (Kubernetes livenessProbe, a Docker HEALTHCHECK) restarts only an instance that no longer answers. Balancers use /readyz; people and status pages /healthz. Sent with Cache-Control: no-store.',
  responses: {
    200: {
      description: 'The process serves requests',
      content: {
        'application/json': { schema: z.object({ status: z.literal('alive') }) },
      },
    },
  },
});

/**
 * `GET /livez`: liveness, unauthenticated, asks nothing of the engines. Mounted before the
 * middleware that waits for the stores, so it answers even when they could not be opened.
 */
export function createLivenessRoutes(): OpenAPIHono {
  const routes = new OpenAPIHono();
  routes.openapi(liveRoute, (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'alive' } as const, 200);
  });
  return routes;
}

const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness, for load balancers: whether this instance should get new requests',
  description:
    'Separate from /livez (liveness) and /healthz (engines, for people). 503 draining once the instance is shutting down (SIGTERM), so the balancer stops sending it requests while running answers finish; 503 unavailable while its database does not answer. Redis being down does not make an instance unready (every instance shares it; /healthz says degraded). Sent with Cache-Control: no-store.',
  responses: {
    200: {
      description: 'Ready',
      content: {
        'application/json': { schema: z.object({ status: z.literal('ready') }) },
      },
    },
    503: {
      description: 'draining (shutting down) or unavailable (the database does not answer)',
      content: { 'application/problem+json': { schema: problemSchema } },
    },
  },
});

/**
 * `GET /healthz` (engines, for people and status pages) and `GET /readyz` (readiness): unauthenticated; engines
 * are asked at most once a second, however often they are hit.
 */
export function createHealthRoutes(context: ServerContext): OpenAPIHono {
  const routes = new OpenAPIHono();
  routes.openAPIRegistry.register('Health', healthSchema);
  let health:
    | { at: number; answer: Promise<['up' | 'down', 'up' | 'down' | 'unused']> }
    | undefined;
  const probe = () => {
    if (!health || performance.now() - health.at > 1000) {
      health = {
        at: performance.now(),
        answer: Promise.all([
          context.stores.health(),
          context.shared.engine === 'redis' ? context.shared.health() : ('unused' as const),
        ]),
      };
    }
    return health.answer;
  };
  routes.openapi(route, async (c) => {
    const [database, redis] = await probe();
    c.header('Cache-Control', 'no-store');
    if (database === 'down')
      return c.json({ status: 'unavailable', database, redis } as const, 503);
    return c.json({ status: redis === 'down' ? 'degraded' : 'ok', database, redis } as const, 200);
  });
  routes.openapi(readyRoute, async (c) => {
    c.header('Cache-Control', 'no-store');
    if (context.drain.draining) {
      return problemResponse(
        c,
        new ProblemError(503, 'draining', 'This instance is shutting down'),
      ) as never;
    }
    const [database] = await probe();
    if (database === 'down') {
      return problemResponse(
        c,
        new ProblemError(503, 'unavailable', 'The database does not answer'),
      ) as never;
    }
    return c.json({ status: 'ready' } as const, 200);
  });
  return routes;
}
