import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import {
  activityRangeSchema,
  appActivitySchema,
  loggedConversationDetailSchema,
  loggedConversationSchema,
} from '../../contract/activity.ts';
import { conversationIdSchema } from '../../contract/conversation-id.ts';
import type { App } from '../apps/app.ts';
import { authorizeManage } from '../http/authorize-manage.ts';
import { ProblemError } from '../http/problem-error.ts';
import { createValidationHook } from '../http/validation-hook.ts';
import type { ServerContext } from '../server-context.ts';
import { parseCursor, positiveInteger } from './conversation-routes.ts';
import { adminSecurity, problemResponses } from './route-docs.ts';

/** Conversations a log page lists by default, and at most. */
export const conversationLogLimits = { default: 20, max: 100 };

const base = '/manage/tenants/{tenantId}/projects/{projectId}/apps/{id}';
const appParams = z.object({
  tenantId: z.string().min(1),
  projectId: z.string().min(1),
  id: z.string().min(1),
});

const refusals = (notFound: string) =>
  problemResponses({
    401: ['unauthorized'],
    403: ['forbidden'],
    404: notFound,
    429: ['rate_limit_exceeded'],
    503: ['service_unavailable'],
  });

const activityRoute = createRoute({
  method: 'get',
  path: `${base}/activity`,
  summary: "An app's activity: sessions, chats, refusals by reason and feedback",
  description:
    'range=24h: 24 hourly buckets ending with the current hour; range=30d: 30 daily buckets (UTC days) ending with today. Counts of every instance (each adds its own to the database every 5 s and when it stops); ratings come from the stored feedback.',
  security: adminSecurity,
  request: {
    params: appParams,
    query: z.object({
      range: z.preprocess(
        (value) => (value === '' ? undefined : value),
        activityRangeSchema.default('24h'),
      ),
    }),
  },
  responses: {
    200: {
      description: 'The activity, oldest bucket first',
      content: { 'application/json': { schema: z.object({ data: appActivitySchema }) } },
    },
    ...problemResponses({ 400: 'bad_request: range is not 24h or 30d' }),
    ...refusals('not_found: no such app in this tenant and project'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: `${base}/conversations`,
  summary: "An app's conversation log: every visitor's conversations, newest first",
  description:
    'Visitors are shown as the first 16 hex digits of HMAC-SHA256(appId + "\\n" + visitor id) keyed with the server\'s visitor-hash key (kept in the database), never the id. Page on with cursor = pagination.next.',
  security: adminSecurity,
  request: {
    params: appParams,
    query: z.object({
      limit: positiveInteger(conversationLogLimits.default, conversationLogLimits.max),
      cursor: z
        .string()
        .refine((text) => parseCursor(text) !== undefined, {
          error: 'must be a pagination.next value',
        })
        .optional()
        .meta({ description: 'pagination.next of the previous page' }),
    }),
  },
  responses: {
    200: {
      description: 'A page of the log',
      content: {
        'application/json': {
          schema: z.object({
            data: z.array(loggedConversationSchema),
            pagination: z.object({
              limit: z.number().int(),
              next: z
                .string()
                .nullable()
                .meta({ description: 'cursor for the next page; null when none follows' }),
            }),
          }),
        },
      },
    },
    ...problemResponses({ 400: 'bad_request: limit or cursor (detail names it)' }),
    ...refusals('not_found: no such app in this tenant and project'),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: `${base}/conversations/{conversationId}`,
  summary: 'One conversation of the log with its messages, times to first token and ratings',
  security: adminSecurity,
  request: { params: appParams.extend({ conversationId: conversationIdSchema }) },
  responses: {
    200: {
      description: 'The conversation, messages oldest first',
      content: {
        'application/json': { schema: z.object({ data: loggedConversationDetailSchema }) },
      },
    },
    ...refusals('not_found: no such app, or no such conversation of it'),
  },
});

/**
 * `GET …/apps/{id}/activity`, `GET …/apps/{id}/conversations` and
 * `GET …/apps/{id}/conversations/{conversationId}`: how an app is used, for its owner (a
 * `manage` credential of its tenant and project).
 */
export function createManageActivityRoutes(context: ServerContext): OpenAPIHono {
  const routes = new OpenAPIHono({
    // A conversation id of the wrong shape names no conversation: 404, like an unknown one.
    defaultHook: createValidationHook({
      notFound: { fields: ['conversationId'], detail: 'Conversation not found' },
    }),
  });

  // Before the query is validated: an unauthorized caller learns nothing about its shape.
  const authorize: MiddlewareHandler = async (c, next) => {
    await authorizeManage(c, context);
    await next();
  };
  routes.use('/manage/tenants/:tenantId/projects/:projectId/apps/:id/activity', authorize);
  routes.use('/manage/tenants/:tenantId/projects/:projectId/apps/:id/conversations', authorize);
  routes.use('/manage/tenants/:tenantId/projects/:projectId/apps/:id/conversations/*', authorize);

  const appOf = (params: { tenantId: string; projectId: string; id: string }): App => {
    const app = context.apps.get(params.id);
    if (!app || app.tenantId !== params.tenantId || app.projectId !== params.projectId) {
      throw new ProblemError(404, 'not_found', 'App not found');
    }
    return app;
  };

  routes.openapi(activityRoute, async (c) => {
    const app = appOf(c.req.valid('param'));
    const data = await context.stores.activity.read(app.id, c.req.valid('query').range);
    return c.json({ data }, 200);
  });

  routes.openapi(listRoute, async (c) => {
    const app = appOf(c.req.valid('param'));
    const { limit, cursor } = c.req.valid('query');
    const before = cursor === undefined ? undefined : parseCursor(cursor);
    const { items, next } = await context.stores.conversationLog.list(app.id, limit, before);
    return c.json({ data: items, pagination: { limit, next } }, 200);
  });

  routes.openapi(getRoute, async (c) => {
    const params = c.req.valid('param');
    const app = appOf(params);
    const data = await context.stores.conversationLog.get(app.id, params.conversationId);
    if (!data) throw new ProblemError(404, 'not_found', 'Conversation not found');
    return c.json({ data }, 200);
  });

  return routes;
}
