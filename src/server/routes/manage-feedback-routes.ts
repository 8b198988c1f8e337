import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { feedbackSummarySchema } from '../../contract/feedback.ts';
import { authorizeManage } from '../http/authorize-manage.ts';
import { ProblemError } from '../http/problem-error.ts';
import { validationHook } from '../http/validation-hook.ts';
import type { ServerContext } from '../server-context.ts';
import { problemResponses } from './route-docs.ts';

/** Negatives listed, newest first, and the characters of question and answer each shows. */
export const feedbackListLimits = { negatives: 20, text: 500 };

const paramsSchema = z.object({
  tenantId: z.string().min(1),
  projectId: z.string().min(1),
  id: z.string().min(1),
});

/**
 * `GET /manage/tenants/{tenantId}/projects/{projectId}/apps/{id}/feedback`: an app's answer
 * feedback for its owner (a `manage` credential): the counts, and the latest negatives with the
 * question each answer replied to. One statement.
 */
export function createManageFeedbackRoutes(context: ServerContext): OpenAPIHono {
  const routes = new OpenAPIHono({ defaultHook: validationHook });

  const authorize: MiddlewareHandler = async (c, next) => {
    await authorizeManage(c, context);
    await next();
  };

  const route = createRoute({
    method: 'get',
    path: '/manage/tenants/{tenantId}/projects/{projectId}/apps/{id}/feedback',
    summary: "An app's answer feedback: counts and the latest negatives",
    description: `The latest ${feedbackListLimits.negatives} negative feedbacks, newest first, each with the user question before the rated answer; question and answer are cut to their first ${feedbackListLimits.text} characters.`,
    security: [{ apiKey: [] }, { bearerApiKey: [] }] as Record<string, string[]>[],
    middleware: [authorize],
    request: { params: paramsSchema },
    responses: {
      200: {
        description: 'The feedback of the app’s conversations',
        content: { 'application/json': { schema: feedbackSummarySchema } },
      },
      ...problemResponses({
        401: ['unauthorized'],
        403: ['forbidden'],
        404: 'not_found: no such app in this tenant and project',
        429: ['rate_limit_exceeded'],
        503: ['service_unavailable'],
      }),
    },
  });

  routes.openapi(route, async (c) => {
    const { tenantId, projectId, id: appId } = c.req.valid('param');
    const app = context.apps.get(appId);
    if (!app || app.tenantId !== tenantId || app.projectId !== projectId) {
      throw new ProblemError(404, 'not_found', 'App not found');
    }
    const summary = await context.feedback.summary(app.id, {
      limit: feedbackListLimits.negatives,
      textLimit: feedbackListLimits.text,
    });
    return c.json(summary, 200);
  });

  return routes;
}
