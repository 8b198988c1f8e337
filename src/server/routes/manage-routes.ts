import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { AppValidationError, normalizeApp } from '../apps/normalize-app.ts';
import { authorizeManage } from '../http/authorize-manage.ts';
import { ProblemError } from '../http/problem-error.ts';
import { readBodyText, readJsonBody } from '../http/read-json-body.ts';
import type { ServerContext } from '../server-context.ts';
import { anonymousSubPattern } from '../session/create-token-service.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validated(input: unknown) {
  try {
    return normalizeApp(input);
  } catch (error) {
    if (error instanceof AppValidationError)
      throw new ProblemError(400, 'bad_request', error.message);
    throw error;
  }
}

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The manage API for apps, for `manage` credentials (keys, `ADMIN_API_KEY`,
 * `INKEEP_ADMIN_API_KEY`): list, create, read, change, delete, and revoke anonymous sessions.
 */
export function createManageRoutes(context: ServerContext): Hono {
  const { settings, now } = context;
  const routes = new Hono();
  const base = '/manage/tenants/:tenantId/projects/:projectId/apps';

  routes.use(`${base}`, async (c, next) => {
    await authorizeManage(c, context);
    await next();
  });
  routes.use(`${base}/*`, async (c, next) => {
    await authorizeManage(c, context);
    await next();
  });

  const scope = (c: Context) => ({
    tenantId: c.req.param('tenantId') ?? 'default',
    projectId: c.req.param('projectId') ?? 'default',
  });
  const find = (c: Context) => {
    const { tenantId, projectId } = scope(c);
    const app = context.apps.get(c.req.param('id') ?? '');
    if (!app || app.tenantId !== tenantId || app.projectId !== projectId) {
      throw new ProblemError(404, 'not_found', 'App not found');
    }
    return app;
  };

  routes.get(base, (c) => {
    const { tenantId, projectId } = scope(c);
    return c.json({ data: context.apps.list(tenantId, projectId) });
  });

  routes.post(base, async (c) => {
    const body = await readJsonBody(c, settings.bodyLimitBytes);
    if (!isRecord(body))
      throw new ProblemError(400, 'bad_request', 'Request body must be a JSON object');
    const app = validated({
      id: `app_${randomBytes(9).toString('base64url')}`,
      ...body,
      ...scope(c),
    });
    if (context.apps.get(app.id))
      throw new ProblemError(400, 'bad_request', 'id is used by another app');
    await context.apps.put(app);
    return c.json({ data: app }, 201);
  });

  routes.get(`${base}/:id`, (c) => c.json({ data: find(c) }));

  routes.patch(`${base}/:id`, async (c) => {
    const app = find(c);
    const body = await readJsonBody(c, settings.bodyLimitBytes);
    if (!isRecord(body))
      throw new ProblemError(400, 'bad_request', 'Request body must be a JSON object');
    const config = body.config ?? {};
    const webClient = isRecord(config) ? (config.webClient ?? {}) : undefined;
    const updated = validated({
      ...app,
      ...body,
      // Merged one level deep so a PATCH of allowedDomains keeps allowAnonymous; wrong types
      // are passed through for normalizeApp to name.
      config: isRecord(config)
        ? {
            ...app.config,
            ...config,
            webClient: isRecord(webClient) ? { ...app.config.webClient, ...webClient } : webClient,
          }
        : config,
      ...scope(c),
      id: app.id,
    });
    await context.apps.put(updated);
    return c.json({ data: updated });
  });

  // Signs visitors out: their tokens issued before `before` (default now) are refused, for the
  // whole app or for one `sub`; a refresh with such a token starts a new visitor.
  routes.post(`${base}/:id/sessions/revoke`, async (c) => {
    const app = find(c);
    const text = await readBodyText(c, settings.bodyLimitBytes);
    let body: unknown = {};
    if (text.trim()) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ProblemError(400, 'bad_request', 'Request body is not valid JSON');
      }
    }
    if (!isRecord(body))
      throw new ProblemError(400, 'bad_request', 'Request body must be a JSON object');
    const { before, sub } = body;
    const time = now();
    let cutoff = time;
    if (before !== undefined) {
      cutoff = typeof before === 'string' && isoDateTime.test(before) ? Date.parse(before) : NaN;
      if (!Number.isFinite(cutoff)) {
        throw new ProblemError(400, 'bad_request', 'before must be an ISO 8601 date-time');
      }
      if (cutoff > time)
        throw new ProblemError(400, 'bad_request', 'before must not be in the future');
    }
    if (sub !== undefined && (typeof sub !== 'string' || !anonymousSubPattern.test(sub))) {
      throw new ProblemError(
        400,
        'bad_request',
        'sub must be an anonymous visitor id (anon_<uuid>)',
      );
    }
    const revokedBefore = await context.apps.revokeSessions(app.id, new Date(cutoff), sub);
    if (!revokedBefore) throw new ProblemError(404, 'not_found', 'App not found');
    return c.json({ data: { appId: app.id, sub: sub ?? null, revokedBefore } });
  });

  routes.delete(`${base}/:id`, async (c) => {
    await context.apps.delete(find(c).id);
    return c.body(null, 204);
  });

  return routes;
}
