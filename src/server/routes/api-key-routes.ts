import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  apiKeyInputSchema,
  apiKeyUpdateSchema,
  apiKeyViewSchema,
  createdApiKeySchema,
  keyUsageSchema,
} from '../../contract/api-key.ts';
import type { Principal } from '../http/authenticate.ts';
import { authorizeManage } from '../http/authorize-manage.ts';
import { ProblemError } from '../http/problem-error.ts';
import { jsonBody } from '../http/read-json-body.ts';
import { createValidationHook, validationHook } from '../http/validation-hook.ts';
import { viewApiKey } from '../keys/api-key.ts';
import { boundApiKeyInput } from '../keys/bound-api-key-input.ts';
import { isKeyVisibleTo, manageIdentityOf } from '../keys/manage-identity.ts';
import { ApiKeyInputError, resolveApiKeyInput } from '../keys/parse-api-key-input.ts';
import { boundApiKeyChanges, resolveApiKeyChanges } from '../keys/resolve-api-key-changes.ts';
import type { ServerContext } from '../server-context.ts';
import { adminSecurity, problem, unavailable } from './route-docs.ts';

type KeyEnv = { Variables: { principal: Principal } };

const scopeParams = z.object({ tenantId: z.string(), projectId: z.string() });
const keyParams = scopeParams.extend({ id: z.string() });
const base = '/manage/tenants/{tenantId}/projects/{projectId}/api-keys';

const listRoute = createRoute({
  method: 'get',
  path: base,
  summary: 'List API keys (never their secrets)',
  description:
    "Another manage identity's personal keys are not listed, except to the environment's admin key and the bypass secret, which see every key.",
  security: adminSecurity,
  request: { params: scopeParams },
  responses: {
    200: {
      description: 'Keys',
      content: { 'application/json': { schema: z.object({ data: z.array(apiKeyViewSchema) }) } },
    },
    401: problem('unauthorized'),
    403: problem('forbidden'),
    503: unavailable,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: `${base}/{id}`,
  summary: 'Read an API key: everything but its secret',
  description:
    "Another manage identity's personal key is 404, as an unknown one (the environment's admin key and the bypass secret see every key).",
  security: adminSecurity,
  request: { params: keyParams },
  responses: {
    200: {
      description: 'The key',
      content: { 'application/json': { schema: z.object({ data: apiKeyViewSchema }) } },
    },
    401: problem('unauthorized'),
    403: problem('forbidden'),
    404: problem('not_found'),
    503: unavailable,
  },
});

const usageRoute = createRoute({
  method: 'get',
  path: `${base}/{id}/usage`,
  summary: 'Usage of an API key: last use and request counts by status class',
  security: adminSecurity,
  request: { params: keyParams },
  responses: {
    200: {
      description: 'Usage',
      content: {
        'application/json': {
          schema: z.object({ data: keyUsageSchema.extend({ id: z.string() }) }),
        },
      },
    },
    401: problem('unauthorized'),
    403: problem('forbidden'),
    404: problem('not_found'),
    503: unavailable,
  },
});

/** Resolves a request body: a field it refuses (`ApiKeyInputError`) is the contract's 400. */
function asBadRequest<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof ApiKeyInputError)
      throw new ProblemError(400, 'bad_request', error.message);
    throw error;
  }
}

const updateRoute = (bodyLimitBytes: number) =>
  createRoute({
    method: 'patch',
    path: `${base}/{id}`,
    summary: 'Change an API key: name, allowed IPs, rate limit, expiry, alert threshold',
    description:
      'allowedIps replaces the list; addIps and removeIps edit it (taking off its last entry is refused: send allowedIps: [] to allow every IP). rateLimit null = the server default; expiresAt null = never; expiresIn counts from now; alertThreshold null = off. A temporary key must still expire within 24 h of its creation (400 temporary_key_expiry). A stored manage key changes only a key whose scopes are among its own and, if it is bound to an agent, of that agent, and may not make it wider than itself (403). A new threshold or rate limit clears alertedAt.',
    security: adminSecurity,
    middleware: [jsonBody(bodyLimitBytes)] as const,
    request: {
      params: keyParams,
      body: { required: true, content: { 'application/json': { schema: apiKeyUpdateSchema } } },
    },
    responses: {
      200: {
        description: 'The key as now stored',
        content: { 'application/json': { schema: z.object({ data: apiKeyViewSchema }) } },
      },
      400: problem('bad_request naming the field, or temporary_key_expiry'),
      401: problem('unauthorized'),
      403: problem(
        'forbidden: the manage key may not make the key this wide (detail names the field)',
      ),
      404: problem('not_found'),
      409: problem('key_revoked: a revoked key can no longer be changed'),
      413: problem('payload_too_large'),
      503: unavailable,
    },
  });

const revokeRoute = createRoute({
  method: 'delete',
  path: `${base}/{id}`,
  summary: 'Revoke an API key (effective at once)',
  description:
    "Another manage identity's personal key is 404, except to the environment's admin key and the bypass secret, which revoke any key.",
  security: adminSecurity,
  request: { params: keyParams },
  responses: {
    204: { description: 'Revoked' },
    401: problem('unauthorized'),
    403: problem('forbidden'),
    404: problem('not_found'),
    503: unavailable,
  },
});

/**
 * The manage API for API keys: create (shown once), list, read, change, revoke, usage. A stored
 * `manage` key creates (and changes) only keys no wider than itself; environment admin keys and
 * the bypass secret are not bounded. A personal key is seen only by the identity that made it
 * and by `ADMIN_API_KEY` (`env:admin`) and the bypass secret, so that they may revoke it.
 */
export function createApiKeyRoutes(context: ServerContext): OpenAPIHono<KeyEnv> {
  const { settings, now } = context;
  const routes = new OpenAPIHono<KeyEnv>({ defaultHook: validationHook });
  for (const path of [
    '/manage/tenants/:tenantId/projects/:projectId/api-keys',
    '/manage/tenants/:tenantId/projects/:projectId/api-keys/*',
  ]) {
    routes.use(path, async (c, next) => {
      c.set('principal', await authorizeManage(c, context));
      await next();
    });
  }
  // Another identity's personal key answers as an unknown one: its existence does not leak.
  const find = async (
    { tenantId, projectId, id }: z.infer<typeof keyParams>,
    principal: Principal,
  ) => {
    const record = await context.apiKeys.get(id);
    if (
      !record ||
      record.tenantId !== tenantId ||
      record.projectId !== projectId ||
      !isKeyVisibleTo(record, principal)
    ) {
      throw new ProblemError(404, 'not_found', 'API key not found');
    }
    return record;
  };
  // The stored manage key making a request, read again: revoked since authentication = 401.
  const storedEditor = async (principal: Principal) => {
    if (principal.kind !== 'api_key' || !principal.keyId) return undefined;
    const editor = await context.apiKeys.get(principal.keyId);
    if (!editor || editor.revokedAt) throw new ProblemError(401, 'unauthorized', 'Invalid API key');
    return editor;
  };

  routes.openapi(listRoute, async (c) => {
    const { tenantId, projectId } = c.req.valid('param');
    const principal = c.get('principal');
    const keys = await context.apiKeys.list(tenantId, projectId);
    return c.json(
      { data: keys.filter((record) => isKeyVisibleTo(record, principal)).map(viewApiKey) },
      200,
    );
  });

  const createKeyRoute = createRoute({
    method: 'post',
    path: base,
    summary: 'Create an API key; `key` (and `signingSecret`) are shown only in this response',
    description:
      'A stored key with the manage scope creates only keys no wider than itself: scopes within its own; with its own allowedIps, a non-empty list inside its ranges; no later expiry, no higher rateLimit (without its own, at most API_RATE_LIMIT) and the same agentId (each taken from it when left out). Environment admin keys and the bypass secret are not bounded.',
    security: adminSecurity,
    middleware: [jsonBody(settings.bodyLimitBytes)] as const,
    request: {
      params: scopeParams,
      body: { required: true, content: { 'application/json': { schema: apiKeyInputSchema } } },
    },
    responses: {
      201: {
        description: 'Created (Cache-Control: no-store)',
        content: { 'application/json': { schema: createdApiKeySchema } },
      },
      400: problem('bad_request naming the field'),
      401: problem('unauthorized'),
      403: problem(
        'forbidden: the manage key may not create a key this wide (detail names the field)',
      ),
      413: problem('payload_too_large'),
      503: unavailable,
    },
  });
  routes.openapi(
    createKeyRoute,
    async (c) => {
      const scope = c.req.valid('param');
      const body = c.req.valid('json');
      let input = asBadRequest(() => resolveApiKeyInput(body, scope, now()));
      const principal = c.get('principal');
      // Revoked between authentication and now: no longer a credential at all.
      const creator = await storedEditor(principal);
      if (creator) {
        input = boundApiKeyInput(input, creator, {
          expiryField: body.expiresIn !== undefined ? 'expiresIn' : 'expiresAt',
          defaultRateLimit: settings.apiRateLimit,
        });
      }
      const { key, record, signingSecret } = await context.apiKeys.create({
        ...input,
        createdBy: manageIdentityOf(principal),
      });
      c.header('Cache-Control', 'no-store');
      return c.json(
        { data: viewApiKey(record), key, ...(signingSecret ? { signingSecret } : {}) },
        201,
      );
    },
    // Key definitions name their top-level field (`scopes`, `allowedIps`), as the CLI does.
    createValidationHook({ topLevelFields: true }),
  );

  routes.openapi(getRoute, async (c) =>
    c.json({ data: viewApiKey(await find(c.req.valid('param'), c.get('principal'))) }, 200),
  );

  routes.openapi(
    updateRoute(settings.bodyLimitBytes),
    async (c) => {
      const principal = c.get('principal');
      const record = await find(c.req.valid('param'), principal);
      let changes = asBadRequest(() => resolveApiKeyChanges(c.req.valid('json'), record, now()));
      const editor = await storedEditor(principal);
      if (editor) {
        changes = boundApiKeyChanges(changes, editor, record, {
          defaultRateLimit: settings.apiRateLimit,
        });
      }
      const updated = await context.apiKeys.update(record.id, changes);
      if (!updated) throw new ProblemError(404, 'not_found', 'API key not found');
      return c.json({ data: viewApiKey(updated) }, 200);
    },
    createValidationHook({ topLevelFields: true }),
  );

  routes.openapi(usageRoute, async (c) => {
    const record = await find(c.req.valid('param'), c.get('principal'));
    return c.json({ data: { id: record.id, ...record.usage } }, 200);
  });

  routes.openapi(revokeRoute, async (c) => {
    await context.apiKeys.revoke((await find(c.req.valid('param'), c.get('principal'))).id);
    return c.body(null, 204);
  });

  return routes;
}
