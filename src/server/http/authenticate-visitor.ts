import type { Context } from 'hono';
import type { App } from '../apps/app.ts';
import { noteRequest } from '../logs/note-request.ts';
import type { ServerContext } from '../server-context.ts';
import type { SessionClaims } from '../session/create-token-service.ts';
import { bearerToken } from './bearer-token.ts';
import { ProblemError } from './problem-error.ts';
import { requireAllowedOrigin } from './require-allowed-origin.ts';

/**
 * A request's verified visitor and app. Principals of kind `anonymous` are these visitors, signed
 * in (`claims.type` `user`, with the site's verified claims) or not.
 */
export interface Visitor {
  claims: SessionClaims;
  app: App;
}

/** The app of a request whose token verified (for its activity counts). */
export const appOfRequest = new WeakMap<Request, string>();

const invalidToken = () => new ProblemError(401, 'unauthorized', 'Invalid end-user JWT');

/**
 * Checks a visitor's request (anonymous or signed in): the token verifies, its app matches `x-inkeep-app-id`
 * (required when `requireAppHeader`), the app is enabled, the session was not revoked (for the
 * whole app or for this visitor; checked in memory) and the `Origin` is allowed.
 */
export async function authenticateVisitor(
  c: Context,
  { tokens, apps }: Pick<ServerContext, 'tokens' | 'apps'>,
  requireAppHeader: boolean,
): Promise<Visitor> {
  const token = bearerToken(c);
  if (!token) throw new ProblemError(401, 'unauthorized', 'Bearer token required');
  const claims = await tokens.verify(token);
  if (!claims) throw invalidToken();
  const appHeader = c.req.header('x-inkeep-app-id');
  if ((requireAppHeader || appHeader !== undefined) && appHeader !== claims.app)
    throw invalidToken();
  const app = apps.get(claims.app);
  if (!app?.enabled) throw new ProblemError(404, 'not_found', 'App not found');
  appOfRequest.set(c.req.raw, app.id);
  noteRequest(c.req.raw, {
    appId: app.id,
    visitor: claims.sub,
    auth: claims.type === 'user' ? 'user' : 'anonymous',
  });
  if (app.tenantId !== claims.tid || app.projectId !== claims.pid) throw invalidToken();
  if (apps.isSessionRevoked(claims)) throw invalidToken();
  requireAllowedOrigin(c.req.header('origin'), app);
  return { claims, app };
}
