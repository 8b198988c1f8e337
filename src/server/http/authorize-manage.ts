import type { Context } from 'hono';
import type { ServerContext } from '../server-context.ts';
import { authenticate } from './authenticate.ts';
import { ProblemError } from './problem-error.ts';

/**
 * Authorizes a manage-API request for the tenant and project in its path: a `manage`
 * credential, and for a stored key, one that belongs to that tenant and project.
 */
export async function authorizeManage(c: Context, context: ServerContext): Promise<void> {
  const principal = await authenticate(c, context, 'manage');
  if (principal.kind !== 'api_key') return;
  if (
    principal.tenantId !== c.req.param('tenantId') ||
    principal.projectId !== c.req.param('projectId')
  ) {
    throw new ProblemError(403, 'forbidden', 'This key belongs to another tenant or project');
  }
}
