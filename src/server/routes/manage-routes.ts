import { randomBytes } from 'node:crypto';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import {
  appInputSchema,
  appSchema,
  revokedSessionsSchema,
  sessionRevocationSchema,
} from '../../contract/app.ts';
import type { App } from '../apps/app.ts';
import { AppValidationError, normalizeApp } from '../apps/normalize-app.ts';
import { authorizeManage } from '../http/authorize-manage.ts';
import { ProblemError } from '../http/problem-error.ts';
import { jsonBody } from '../http/read-json-body.ts';
import { validationHook } from '../http/validation-hook.ts';
import type { ServerContext } from '../server-context.ts';
import { visitorSignOutCutoff } from '../session/session-revocation.ts';
import { adminSecurity, problem, unavailable } from './route-docs.ts';

function validated(input: unknown) {
  try {
    return normalizeApp(input);
  } catch (error) {
    if (error instanceof AppValidationError)
      throw new ProblemError(400, 'bad_request', error.message);
    throw error;
  }
}

/** The app a PATCH or revoke is about, found before its body is read. */
type AppEnv = { Variables: { app: App } };

const scopeParams = z.object({ tenantId: z.string(), projectId: z.string() });
const appParams = scopeParams.extend({ id: z.string() });
const oneApp = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({ data: appSchema }) } },
});
const base = '/manage/tenants/{tenantId}/projects/{projectId}/apps';

const listRoute = createRoute({
  method: 'get',
  path: base,
  summary: 'List apps',
  security: adminSecurity,
  request: { params: scopeParams },
  responses: {
    200: {
      description: 'Apps',
      content: { 'application/json': { schema: z.object({ data: z.array(appSchema) }) } },
    },
    401: problem('unauthorized'),
    403: problem('forbidden: the credential lacks the manage scope, or its IP is not allowed'),
    503: unavailable,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: `${base}/{id}`,
  summary: 'Read an app',
  security: adminSecurity,
  request: { params: appParams },
  responses: {
    200: oneApp('The app'),
    401: problem('unauthorized'),
    403: problem('forbidden'),
    404: problem('not_found'),
    503: unavailable,
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: `${base}/{id}`,
  summary: 'Delete an app',
  security: adminSecurity,
  request: { params: appParams },
  responses: {
    204: { description: 'Deleted' },
    401: problem('unauthorized'),
    403: problem('forbidden'),
    404: problem('not_found'),
    503: unavailable,
  },
});

/**
 * The manage API for apps, for `manage` credentials (keys, `ADMIN_API_KEY`,
 * `INKEEP_ADMIN_API_KEY`): list, create, read, change, delete, and revoke anonymous sessions.
 */
export function createManageRoutes(context: ServerContext): OpenAPIHono<AppEnv> {
  const { settings, now } = context;
  const routes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const body = jsonBody(settings.bodyLimitBytes);

  routes.use('/manage/tenants/:tenantId/projects/:projectId/apps', async (c, next) => {
    await authorizeManage(c, context);
    await next();
  });
  routes.use('/manage/tenants/:tenantId/projects/:projectId/apps/*', async (c, next) => {
    await authorizeManage(c, context);
    await next();
  });

  const find = ({ tenantId, projectId, id }: z.infer<typeof appParams>) => {
    const app = context.apps.get(id);
    if (!app || app.tenantId !== tenantId || app.projectId !== projectId) {
      throw new ProblemError(404, 'not_found', 'App not found');
    }
    return app;
  };

  // Before a body is read: an unknown app is 404 whatever the body says.
  const appFound: MiddlewareHandler<AppEnv> = async (c, next) => {
    const param = (name: string) => c.req.param(name) ?? '';
    c.set(
      'app',
      find({ tenantId: param('tenantId'), projectId: param('projectId'), id: param('id') }),
    );
    await next();
  };

  routes.openapi(listRoute, (c) => {
    const { tenantId, projectId } = c.req.valid('param');
    return c.json({ data: context.apps.list(tenantId, projectId) }, 200);
  });

  const createAppRoute = createRoute({
    method: 'post',
    path: base,
    summary: 'Create an app (id generated unless given)',
    security: adminSecurity,
    middleware: [body] as const,
    request: {
      params: scopeParams,
      body: { required: true, content: { 'application/json': { schema: appInputSchema } } },
    },
    responses: {
      201: oneApp('Created'),
      400: problem('bad_request naming the field'),
      401: problem('unauthorized'),
      403: problem('forbidden'),
      413: problem('payload_too_large'),
      503: unavailable,
    },
  });
  routes.openapi(createAppRoute, async (c) => {
    const { tenantId, projectId } = c.req.valid('param');
    const app = validated({
      id: `app_${randomBytes(9).toString('base64url')}`,
      ...c.req.valid('json'),
      tenantId,
      projectId,
    });
    if (context.apps.get(app.id))
      throw new ProblemError(400, 'bad_request', 'id is used by another app');
    await context.apps.put(app);
    return c.json({ data: app }, 201);
  });

  routes.openapi(getRoute, (c) => c.json({ data: find(c.req.valid('param')) }, 200));

  const patchRoute = createRoute({
    method: 'patch',
    path: `${base}/{id}`,
    summary: 'Change an app (config.webClient merged field by field)',
    security: adminSecurity,
    middleware: [appFound, body] as const,
    request: {
      params: appParams,
      body: { required: true, content: { 'application/json': { schema: appInputSchema } } },
    },
    responses: {
      200: oneApp('The app'),
      400: problem('bad_request naming the field'),
      401: problem('unauthorized'),
      403: problem('forbidden'),
      404: problem('not_found'),
      413: problem('payload_too_large'),
      503: unavailable,
    },
  });
  routes.openapi(patchRoute, async (c) => {
    const params = c.req.valid('param');
    const app = c.get('app');
    const { config = {}, ...fields } = c.req.valid('json');
    const updated = validated({
      ...app,
      ...fields,
      // Merged one level deep so a PATCH of allowedDomains keeps allowAnonymous.
      config: {
        ...app.config,
        ...config,
        webClient: { ...app.config.webClient, ...config.webClient },
      },
      tenantId: params.tenantId,
      projectId: params.projectId,
      id: app.id,
    });
    await context.apps.put(updated);
    return c.json({ data: updated }, 200);
  });

  // Signs visitors out: their tokens issued before `before` (default now) are refused, for the
  // whole app or for one `sub`; a refresh with such a token starts a new visitor.
  const revokeRoute = createRoute({
    method: 'post',
    path: `${base}/{id}/sessions/revoke`,
    summary:
      "Sign visitors out: refuse the app's anonymous sessions issued before `before` (default now), for every visitor or only `sub`",
    description:
      'A refused token answers 401 unauthorized "Invalid end-user JWT", and a rolling refresh with it gets a new sub. Tokens carry whole seconds, so every token issued in the second of `before` is refused too (tokens issued after it stay valid). A cutoff never moves back: an earlier `before` than the one in force changes nothing. Signing one visitor out within the second after the whole app was signed out answers a `revokedBefore` up to one second ahead, so that the visitor’s tokens issued in that second are refused too. Takes effect on every instance.',
    security: adminSecurity,
    middleware: [appFound, jsonBody(settings.bodyLimitBytes, { optional: true })] as const,
    request: {
      params: appParams,
      body: {
        required: false,
        content: { 'application/json': { schema: sessionRevocationSchema } },
      },
    },
    responses: {
      200: {
        description: 'Revoked',
        content: { 'application/json': { schema: z.object({ data: revokedSessionsSchema }) } },
      },
      400: problem(
        'bad_request: body not a JSON object, `before` not an ISO 8601 date-time or in the future, `sub` not a visitor id (anon_<uuid> or user_<32 hex>)',
      ),
      401: problem('unauthorized'),
      403: problem('forbidden'),
      404: problem('not_found: no such app in this tenant and project'),
      413: problem('payload_too_large'),
      503: unavailable,
    },
  });
  routes.openapi(revokeRoute, async (c) => {
    const app = c.get('app');
    const { before, sub } = c.req.valid('json');
    const time = now();
    if (before !== undefined && Date.parse(before) > time)
      throw new ProblemError(400, 'bad_request', 'before must not be in the future');
    const cutoff =
      before !== undefined
        ? Date.parse(before)
        : sub
          ? visitorSignOutCutoff(app, time, context.apps.firstValidSecondOfVisitor(app.id, sub))
          : time;
    const revokedBefore = await context.apps.revokeSessions(app.id, new Date(cutoff), sub);
    if (!revokedBefore) throw new ProblemError(404, 'not_found', 'App not found');
    return c.json({ data: { appId: app.id, sub: sub ?? null, revokedBefore } }, 200);
  });

  routes.openapi(deleteRoute, async (c) => {
    await context.apps.delete(find(c.req.valid('param')).id);
    return c.body(null, 204);
  });

  return routes;
}
