import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { bearerToken } from '../http/bearer-token.ts';
import { ProblemError } from '../http/problem-error.ts';
import { requireAllowedOrigin } from '../http/require-allowed-origin.ts';
import { enforceRateLimit, setRateLimitHeaders } from '../http/set-rate-limit-headers.ts';
import { validationHook } from '../http/validation-hook.ts';
import { clientKey } from '../limits/client-key.ts';
import { getClientIp } from '../limits/get-client-ip.ts';
import { noteRequest } from '../logs/note-request.ts';
import { powLevel } from '../pow/pow-settings.ts';
import { sessionAllowance } from '../pow/session-allowance.ts';
import type { ServerContext } from '../server-context.ts';
import { originHeader, problem, rateLimitHeaders, retryAfterHeader } from './route-docs.ts';

const classicChallengeSchema = z
  .object({
    algorithm: z.string(),
    challenge: z.string(),
    maxnumber: z.number().int().optional(),
    salt: z.string(),
    signature: z.string(),
  })
  .meta({ id: 'ClassicChallenge' });
const challengeV2Schema = z
  .object({ parameters: z.record(z.string(), z.unknown()), signature: z.string().optional() })
  .meta({ id: 'ChallengeV2' });
const sessionSchema = z
  .object({ token: z.string(), expiresAt: z.string().meta({ format: 'date-time' }) })
  .meta({ id: 'Session' });

const challengeRoute = createRoute({
  method: 'get',
  path: '/run/auth/pow/challenge',
  summary:
    'An ALTCHA proof-of-work challenge (classic format unless INKEEP_POW_ALGORITHM selects v2)',
  description:
    "Issued with an HMAC only (v2: non-deterministic, a key prefix of zeros). Budgeted per client IP (IPv6 by /64, INKEEP_POW_CHALLENGE_RATE_LIMIT a minute). At the difficulty level of the client's next session request: 0 within its session budget, one more per further budget in the window (classic: maxnumber ×4 and level=<n> in the salt; v2: one more zero digit of keyPrefix and data.level). Signed with the first INKEEP_POW_HMAC_SECRET, which it names by key id (classic: kid=<8 hex> in the salt; v2: data.kid); a solution is checked against the secret its challenge names.",
  responses: {
    200: {
      description: 'Challenge (Cache-Control: no-store)',
      headers: rateLimitHeaders,
      content: {
        'application/json': { schema: z.union([classicChallengeSchema, challengeV2Schema]) },
      },
    },
    404: problem('PoW is not enabled'),
    429: {
      ...problem('rate_limit_exceeded: too many challenges from this client (Retry-After)'),
      headers: { ...retryAfterHeader, ...rateLimitHeaders },
    },
  },
});

const sessionRoute = createRoute({
  method: 'post',
  path: '/run/auth/apps/{appId}/anonymous-session',
  summary: 'Issue an anonymous-session JWT (rolling refresh with the previous token as bearer)',
  description:
    'Checks, in order: app exists and enabled (404), web_client (400), allowAnonymous (401), Origin (403), rate limit per client IP (429), proof of work (400). Every request counts against the per-IP budget, refused ones too. With proof of work a client over its budget is served at rising difficulty levels (it must solve a challenge at its level) and refused past the last one; X-RateLimit-Limit then counts every level. The body is ignored. The token is signed with the first INKEEP_ANON_JWT_SECRET and names it by `kid` in its header.',
  // The app id is looked up, not validated: an unknown one is 404 like a disabled one.
  request: { params: z.object({ appId: z.string() }) },
  parameters: [
    originHeader,
    {
      name: 'x-inkeep-challenge-solution',
      in: 'header',
      schema: { type: 'string', description: 'base64(JSON payload)' },
    },
    {
      name: 'Authorization',
      in: 'header',
      schema: { type: 'string', description: 'Bearer <previous token>' },
    },
  ],
  responses: {
    200: {
      description: 'Session',
      headers: rateLimitHeaders,
      content: { 'application/json': { schema: sessionSchema } },
    },
    400: problem(
      "bad_request (not a web client), pow_required, pow_invalid (also: a challenge below the client's level), pow_expired",
    ),
    401: problem('anonymous_disabled'),
    403: problem('origin_not_allowed'),
    404: problem('not_found'),
    413: problem('payload_too_large'),
    429: {
      ...problem(
        'rate_limit_exceeded (Retry-After): over the budget, or this client holds too many unexpired solutions in memory',
      ),
      headers: { ...retryAfterHeader, ...rateLimitHeaders },
    },
    503: problem(
      'service_unavailable: proof of work is on and Redis, which remembers used solutions, is unreachable (fails closed)',
    ),
  },
});

/** `GET /run/auth/pow/challenge` and `POST /run/auth/apps/{appId}/anonymous-session`. */
export function createSessionRoutes(context: ServerContext): OpenAPIHono {
  const { tokens, settings } = context;
  const routes = new OpenAPIHono({ defaultHook: validationHook });

  routes.openapi(challengeRoute, async (c) => {
    const { pow, budgets } = context;
    if (!pow) throw new ProblemError(404, 'not_found', 'PoW is not enabled');
    const client = clientKey(getClientIp(c, settings.trustProxy));
    enforceRateLimit(c, await budgets.challenge.consume(client), 'challenge');
    // The level the client's next session request will need (peek: asking does not count).
    const sessions = await budgets.session.peek(client);
    c.header('Cache-Control', 'no-store');
    return c.json(await pow.createChallenge(powLevel(sessions.consumed + 1, sessions.limit)), 200);
  });

  routes.openapi(sessionRoute, async (c) => {
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
    const app = apps.get(c.req.valid('param').appId);
    if (!app?.enabled) throw new ProblemError(404, 'not_found', 'App not found');
    noteRequest(c.req.raw, { appId: app.id });
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
    requireAllowedOrigin(c.req.header('origin'), app);
    enforceRateLimit(c, limit, 'session');
    if (pow) {
      const check = await pow.verify(c.req.header('x-inkeep-challenge-solution'), {
        bucket: client,
        level,
      });
      context.metrics.powVerifications.inc({ result: check.ok ? 'ok' : check.code });
      if (!check.ok) {
        if (check.code === 'rate_limit_exceeded') {
          // This client's replay memory is full until its solutions expire; others are served.
          setRateLimitHeaders(c, {
            ...limit,
            remaining: 0,
            reset: Math.ceil(context.now() / 1000) + check.retryAfter,
          });
          throw new ProblemError(429, check.code, check.detail, {
            retryAfter: check.retryAfter,
            budget: 'pow-replay',
          });
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
    // A signed-in visitor's session never becomes an anonymous one.
    const sub =
      claims && claims.app === app.id && claims.type === 'anonymous' ? claims.sub : undefined;
    const { token, expiresAt, claims: issued } = await tokens.issue(app, sub);
    noteRequest(c.req.raw, { visitor: issued.sub, auth: 'anonymous' });
    c.header('Cache-Control', 'no-store');
    return c.json({ token, expiresAt }, 200);
  });

  return routes;
}
