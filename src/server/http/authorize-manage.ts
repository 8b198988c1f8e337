import type { Context } from 'hono';
import type { ServerContext } from '../server-context.ts';
import { authenticate, type Principal } from './authenticate.ts';
import { ProblemError } from './problem-error.ts';

// A request passes the manage routes' own middleware and a route's: it is checked (and its key's
// budget spent) once.
const authorized = new WeakMap<Request, Principal>();

/**
 * Authorizes a manage-API request for the tenant and project in its path: a `manage`
 * credential, and for a stored key, one that belongs to that tenant and project.
 * @returns who is calling, so that a route can hold a stored key to its own bounds.
 */
export async function authorizeManage(c: Context, context: ServerContext): Promise<Principal> {
  const known = authorized.get(c.req.raw);
  if (known) return known;
  const principal = await authenticate(c, context, 'manage');
  if (
    principal.kind === 'api_key' &&
    (principal.tenantId !== c.req.param('tenantId') ||
      principal.projectId !== c.req.param('projectId'))
  ) {
    throw new ProblemError(403, 'forbidden', 'This key belongs to another tenant or project');
  }
  authorized.set(c.req.raw, principal);
  return principal;
}
