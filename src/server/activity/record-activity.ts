import type { Context, MiddlewareHandler } from 'hono';
import { appOfRequest } from '../http/authenticate-visitor.ts';
import { ProblemError } from '../http/problem-error.ts';
import type { ServerContext } from '../server-context.ts';

/** The problem code of a refused response: from the error thrown, or from its body. */
async function refusalCode(c: Context): Promise<string> {
  if (c.error instanceof ProblemError) return c.error.code;
  if (c.res.headers.get('content-type')?.startsWith('application/problem+json')) {
    const body = (await c.res
      .clone()
      .json()
      .catch(() => undefined)) as { code?: unknown } | undefined;
    // Only the server's own codes: a short word, never text of the request.
    if (typeof body?.code === 'string' && /^[a-z_]{1,40}$/.test(body.code)) return body.code;
  }
  return `http_${c.res.status}`;
}

/**
 * Counts a session request or a chat request of an app in the app's activity once it is
 * answered: served (status below 400) or refused by the problem code of its answer. Only apps
 * that exist are counted (the app of the path, of the verified token or of `x-inkeep-app-id`),
 * so hostile traffic cannot add keys; requests of API keys (no app) are not counted.
 */
export function recordActivity(
  context: ServerContext,
  kind: 'session' | 'chat',
): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.req.method === 'OPTIONS') return;
    const appId =
      kind === 'session'
        ? c.req.param('appId')
        : (appOfRequest.get(c.req.raw) ?? c.req.header('x-inkeep-app-id'));
    if (!appId || !context.apps.get(appId)) return;
    const { activity } = context.stores;
    if (c.res.status < 400) {
      activity.record(appId, kind === 'session' ? 'session_issued' : 'chat');
    } else {
      activity.record(
        appId,
        kind === 'session' ? 'session_refused' : 'chat_refused',
        await refusalCode(c),
      );
    }
  };
}
