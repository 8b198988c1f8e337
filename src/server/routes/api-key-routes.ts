import { Hono } from 'hono';
import type { Principal } from '../http/authenticate.ts';
import { authorizeManage } from '../http/authorize-manage.ts';
import { ProblemError } from '../http/problem-error.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import { viewApiKey } from '../keys/api-key.ts';
import { boundApiKeyInput } from '../keys/bound-api-key-input.ts';
import { ApiKeyInputError, parseApiKeyInput } from '../keys/parse-api-key-input.ts';
import type { ServerContext } from '../server-context.ts';

/**
 * The manage API for API keys: create (shown once), list, read, revoke, usage. A stored
 * `manage` key creates only keys no wider than itself; environment admin keys and the bypass
 * secret are not bounded.
 */
export function createApiKeyRoutes(
  context: ServerContext,
): Hono<{ Variables: { principal: Principal } }> {
  const { settings, now } = context;
  const routes = new Hono<{ Variables: { principal: Principal } }>();
  const base = '/manage/tenants/:tenantId/projects/:projectId/api-keys';
  for (const path of [base, `${base}/*`]) {
    routes.use(path, async (c, next) => {
      c.set('principal', await authorizeManage(c, context));
      await next();
    });
  }
  const find = async (tenantId: string, projectId: string, id: string) => {
    const record = await context.apiKeys.get(id);
    if (!record || record.tenantId !== tenantId || record.projectId !== projectId) {
      throw new ProblemError(404, 'not_found', 'API key not found');
    }
    return record;
  };

  routes.get(base, async (c) => {
    const { tenantId, projectId } = c.req.param();
    return c.json({ data: (await context.apiKeys.list(tenantId, projectId)).map(viewApiKey) });
  });

  routes.post(base, async (c) => {
    const { tenantId, projectId } = c.req.param();
    const body = await readJsonBody(c, settings.bodyLimitBytes);
    let input: ReturnType<typeof parseApiKeyInput>;
    try {
      input = parseApiKeyInput(body, { tenantId, projectId }, now());
    } catch (error) {
      if (error instanceof ApiKeyInputError)
        throw new ProblemError(400, 'bad_request', error.message);
      throw error;
    }
    const principal = c.get('principal');
    if (principal.kind === 'api_key' && principal.keyId) {
      const creator = await context.apiKeys.get(principal.keyId);
      // Revoked between authentication and now: no longer a credential at all.
      if (!creator) throw new ProblemError(401, 'unauthorized', 'Invalid API key');
      const expiryField =
        typeof body === 'object' && body !== null && 'expiresIn' in body
          ? 'expiresIn'
          : 'expiresAt';
      input = boundApiKeyInput(input, creator, { expiryField });
    }
    const { key, record, signingSecret } = await context.apiKeys.create(input);
    c.header('Cache-Control', 'no-store');
    return c.json(
      { data: viewApiKey(record), key, ...(signingSecret ? { signingSecret } : {}) },
      201,
    );
  });

  routes.get(`${base}/:id`, async (c) => {
    const { tenantId, projectId, id } = c.req.param();
    return c.json({ data: viewApiKey(await find(tenantId, projectId, id)) });
  });

  routes.get(`${base}/:id/usage`, async (c) => {
    const { tenantId, projectId, id } = c.req.param();
    const record = await find(tenantId, projectId, id);
    return c.json({ data: { id: record.id, ...record.usage } });
  });

  routes.delete(`${base}/:id`, async (c) => {
    const { tenantId, projectId, id } = c.req.param();
    await context.apiKeys.revoke((await find(tenantId, projectId, id)).id);
    return c.body(null, 204);
  });

  return routes;
}
