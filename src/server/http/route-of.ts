import type { Context } from 'hono';
import { routePath } from 'hono/route';

/** The chat routes, each of one fixed path. */
export const chatRoutes: ReadonlySet<string> = new Set([
  '/run/v1/chat/completions',
  '/run/api/chat',
]);
const sessionPath = /^\/run\/auth\/apps\/[^/]+\/(anonymous|user)-session$/;

/**
 * The route pattern that answered (`/run/v1/conversations/:id`), never the raw path, for a
 * request's log line and metrics. A request refused by middleware shared by every route (a 413
 * by its declared length, a 503 while draining) is still named after its route when its path
 * is a chat or session route's, so the chat and session counters see it; the set of names stays
 * bounded.
 */
export function routeOf(c: Context): string {
  const pattern = routePath(c, c.req.routeIndex) || '*';
  if (!pattern.endsWith('*')) return pattern;
  const { path } = c.req;
  if (chatRoutes.has(path)) return path;
  const session = sessionPath.exec(path);
  return session ? `/run/auth/apps/:appId/${session[1]}-session` : pattern;
}
