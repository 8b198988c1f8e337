import { Hono } from 'hono';
import { isOriginAllowed } from '../apps/is-origin-allowed.ts';
import { bearerToken } from '../http/bearer-token.ts';
import { ProblemError } from '../http/problem-error.ts';
import { enforceRateLimit, setRateLimitHeaders } from '../http/set-rate-limit-headers.ts';
import { clientKey } from '../limits/client-key.ts';
import { getClientIp } from '../limits/get-client-ip.ts';
import { powLevel } from '../pow/pow-settings.ts';
import { sessionAllowance } from '../pow/session-allowance.ts';
import type { ServerContext } from '../server-context.ts';

/** `GET /run/auth/pow/challenge` and `POST /run/auth/apps/{appId}/anonymous-session`. */
export function createSessionRoutes(context: ServerContext): Hono {
  const { tokens, settings } = context;
  const routes = new Hono();

  routes.get('/run/auth/pow/challenge', async (c) => {
    const { pow, budgets } = context;
    if (!pow) throw new ProblemError(404, 'not_found', 'PoW is not enabled');
    const client = clientKey(getClientIp(c, settings.trustProxy));
    enforceRateLimit(c, await budgets.challenge.consume(client));
    // The level the client's next session request will need (peek: asking does not count).
    const sessions = await budgets.session.peek(client);
    c.header('Cache-Control', 'no-store');
    return c.json(await pow.createChallenge(powLevel(sessions.consumed + 1, sessions.limit)));
  });

  routes.post('/run/auth/apps/:appId/anonymous-session', async (c) => {
    const { apps, pow, budgets } = context;
    const client = clientKey(getClientIp(c, settings.trustProxy));
    // Counted first, so the headers go on every answer and refused requests spend the budget
    // too; the 429 itself comes after the checks the contract orders before it.
    const counted = await budgets.session.consume(client);
    // With proof of work, a client over its budget is served at rising difficulty (see
    // sessionAllowance) until the last level's budget is spent too.
    const { limit, level } = pow
      ? sessionAllowance(counted, pow.maxLevel)
      : { limit: counted, level: 0 };
    setRateLimitHeaders(c, limit);
    const app = apps.get(c.req.param('appId'));
    if (!app?.enabled) throw new ProblemError(404, 'not_found', 'App not found');
    if (app.type !== 'web_client') {
      throw new ProblemError(400, 'bad_request', 'App is not a web client app');
    }
    if (!app.config.webClient.allowAnonymous) {
      throw new ProblemError(
        401,
        'anonymous_disabled',
        'Anonymous sessions are disabled for this app',
      );
    }
    if (!isOriginAllowed(c.req.header('origin'), app.config.webClient.allowedDomains)) {
      throw new ProblemError(403, 'origin_not_allowed', 'Origin not allowed');
    }
    enforceRateLimit(c, limit);
    if (pow) {
      const check = await pow.verify(c.req.header('x-inkeep-challenge-solution'), {
        bucket: client,
        level,
      });
      if (!check.ok) {
        if (check.code === 'rate_limit_exceeded') {
          // This client's replay memory is full until its solutions expire; others are served.
          setRateLimitHeaders(c, {
            ...limit,
            remaining: 0,
            reset: Math.ceil(context.now() / 1000) + check.retryAfter,
          });
          throw new ProblemError(429, check.code, check.detail, { retryAfter: check.retryAfter });
        }
        throw new ProblemError(400, check.code, check.detail);
      }
    }
    const previous = bearerToken(c);
    const claims = previous
      ? await tokens
          .verify(previous)
          .then((found) => (found && !apps.isSessionRevoked(found) ? found : undefined))
      : undefined;
    const sub = claims && claims.app === app.id ? claims.sub : undefined;
    const { token, expiresAt } = await tokens.issue(app, sub);
    c.header('Cache-Control', 'no-store');
    return c.json({ token, expiresAt });
  });

  return routes;
}
