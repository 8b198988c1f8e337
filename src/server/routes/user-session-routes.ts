import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { conversationIdSchema } from '../../contract/conversation-id.ts';
import type { App } from '../apps/app.ts';
import { ProblemError } from '../http/problem-error.ts';
import { jsonBody } from '../http/read-json-body.ts';
import { requireAllowedOrigin } from '../http/require-allowed-origin.ts';
import { enforceRateLimit } from '../http/set-rate-limit-headers.ts';
import { validationHook } from '../http/validation-hook.ts';
import { clientKey } from '../limits/client-key.ts';
import { getClientIp } from '../limits/get-client-ip.ts';
import { noteRequest } from '../logs/note-request.ts';
import type { ServerContext } from '../server-context.ts';
import { visitorSignOutCutoff } from '../session/session-revocation.ts';
import { maxUserTokenLength, verifyUserToken } from '../session/verify-user-token.ts';
import {
  originHeader,
  problem,
  rateLimitHeaders,
  retryAfterHeader,
  unavailable,
} from './route-docs.ts';

interface UserSessionEnv {
  Variables: { app: App; client: string };
}

const requestSchema = z
  .object({
    token: z
      .string()
      .min(1)
      .max(maxUserTokenLength)
      .meta({ description: "The JWT the site's backend signed for its signed-in user" }),
    anonymousToken: z.string().max(4096).optional().meta({
      description:
        "The visitor's anonymous session of this app, if any: its conversations move to the user (proof that the caller held both)",
    }),
    conversationId: conversationIdSchema.optional().meta({
      description: 'Move only this conversation of the anonymous visitor (default: all of them)',
    }),
  })
  .openapi('UserSessionRequest');

const userSessionSchema = z
  .object({
    token: z.string(),
    expiresAt: z.string().meta({ format: 'date-time' }),
    movedConversations: z
      .array(z.string())
      .meta({ description: 'Conversations of the anonymous visitor now owned by the user' }),
  })
  .openapi('UserSession');

const userTokenCodes =
  'user_token_malformed, user_token_unknown_kid, user_token_bad_signature, user_token_missing_sub, user_token_expired, user_token_too_long_lived, user_token_iat_skew, user_token_bad_audience, user_token_claims_too_large';

/**
 * `POST /run/auth/apps/{appId}/user-session`: a signed-in visitor's session, issued for a token
 * the site's backend signed with one of the app's registered keys.
 */
export function createUserSessionRoutes(context: ServerContext): OpenAPIHono<UserSessionEnv> {
  const routes = new OpenAPIHono<UserSessionEnv>({ defaultHook: validationHook });

  // Checked before the body is read, in the anonymous session's order: app, type, Origin, budget.
  const admit: MiddlewareHandler<UserSessionEnv> = async (c, next) => {
    const { budgets } = context;
    const client = clientKey(getClientIp(c, context.settings.trustProxy));
    const counted = await budgets.session.consume(client);
    const app = context.apps.get(c.req.param('appId') ?? '');
    if (!app?.enabled) throw new ProblemError(404, 'not_found', 'App not found');
    if (app.type !== 'web_client') {
      throw new ProblemError(400, 'bad_request', 'App is not a web client app');
    }
    requireAllowedOrigin(c.req.header('origin'), app);
    noteRequest(c.req.raw, { appId: app.id });
    enforceRateLimit(c, counted, 'session');
    // A client whose credentials failed too often waits before its token is looked at.
    const blocked = budgets.authFailures.blocked(client);
    if (blocked) {
      await budgets.failureTarpit.hold();
      enforceRateLimit(c, blocked, 'auth-failures');
    }
    c.set('client', client);
    c.set('app', app);
    await next();
  };

  const route = createRoute({
    method: 'post',
    path: '/run/auth/apps/{appId}/user-session',
    summary: "Issue a signed-in visitor's session for a token the site's backend signed",
    description:
      "The site's token is a JWT whose header `kid` names one of the app's `config.webClient.signingKeys`, verified with that key's algorithm only (RS256, ES256 or EdDSA). Claims: `sub` (the site's user id, ≤ 256 characters) required; `exp` required, at most 24 h after `iat` and after now; `iat` required, within 60 s of the server's clock; `nbf`, when given, a number not in the future; `aud` must name the app's `config.webClient.audience` when it sets one; other claims (≤ 1 KB of JSON) become verified claims, passed to the agent. Checks, in order: app exists and enabled (404), web_client (400), Origin (403), rate limit per client IP (429, the anonymous-session budget INKEEP_SESSION_RATE_LIMIT), the client's failed-credentials budget (429, INKEEP_AUTH_FAILURE_LIMIT, which every 401 here spends), body (400), token (401). The session's `sub` is `user_` + 32 hex of SHA-256(appId, user id): the same user's conversations on every device. With `anonymousToken` (a valid anonymous session of this app) that visitor's conversations (only `conversationId` when given) move to the user, once: after a move that visitor's anonymous session is signed out (every token of it refused, as by POST …/sessions/revoke with its sub); an invalid one (or one of another app) moves nothing. The session ends when the site's token does (at the latest after INKEEP_ANON_SESSION_LIFETIME_SECONDS).",
    middleware: [admit, jsonBody(context.settings.bodyLimitBytes)],
    request: {
      params: z.object({ appId: z.string() }),
      body: { required: true, content: { 'application/json': { schema: requestSchema } } },
    },
    parameters: [originHeader],
    responses: {
      200: {
        description: 'Session',
        headers: rateLimitHeaders,
        content: { 'application/json': { schema: userSessionSchema } },
      },
      400: problem('bad_request (not a web client, or a malformed body)'),
      401: problem(userTokenCodes),
      403: problem('origin_not_allowed'),
      404: problem('not_found'),
      413: problem('payload_too_large'),
      429: {
        ...problem(
          'rate_limit_exceeded (Retry-After): over the session budget, or the client spent its failed-credentials budget',
        ),
        headers: { ...retryAfterHeader, ...rateLimitHeaders },
      },
      503: unavailable,
    },
  });

  routes.openapi(route, async (c) => {
    const app = c.get('app');
    const { token, anonymousToken, conversationId } = c.req.valid('json');
    const check = await verifyUserToken(token, app, context.now);
    if (!check.ok) {
      await context.budgets.authFailures.fail(c.get('client'));
      throw new ProblemError(401, check.code, check.detail);
    }
    let movedConversations: string[] = [];
    if (anonymousToken) {
      const anonymous = await context.tokens.verify(anonymousToken);
      if (
        anonymous?.type === 'anonymous' &&
        anonymous.app === app.id &&
        anonymous.tid === app.tenantId &&
        anonymous.pid === app.projectId &&
        !context.apps.isSessionRevoked(anonymous)
      ) {
        movedConversations = await context.conversations.transfer(
          { appId: app.id, sub: anonymous.sub },
          check.sub,
          conversationId,
        );
        // The move happens once: the anonymous visitor is signed out, so its token can neither
        // move conversations again nor chat on (this token's second may lie ahead of now).
        if (movedConversations.length > 0) {
          const cutoff = visitorSignOutCutoff(app, context.now(), anonymous.iat);
          await context.apps.revokeSessions(app.id, new Date(cutoff), anonymous.sub);
        }
      }
    }
    const session = await context.tokens.issueUser(app, {
      sub: check.sub,
      claims: check.claims,
      exp: check.exp,
      notBefore: context.apps.firstValidSecondOfVisitor(app.id, check.sub),
    });
    noteRequest(c.req.raw, { visitor: check.sub, auth: 'user' });
    c.header('Cache-Control', 'no-store');
    return c.json({ token: session.token, expiresAt: session.expiresAt, movedConversations }, 200);
  });

  return routes;
}
