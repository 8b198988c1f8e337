import type { MiddlewareHandler } from 'hono';
import { appOfRequest } from '../http/authenticate-visitor.ts';
import { problemOf } from '../http/problem-error.ts';
import type { ServerContext } from '../server-context.ts';

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
        problemOf(c)?.code ?? `http_${c.res.status}`,
      );
    }
  };
}
