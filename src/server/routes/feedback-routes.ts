import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { conversationIdSchema } from '../../contract/conversation-id.ts';
import { authenticate, ownerOf } from '../http/authenticate.ts';
import { ProblemError } from '../http/problem-error.ts';
import { jsonBody } from '../http/read-json-body.ts';
import { enforceRateLimit } from '../http/set-rate-limit-headers.ts';
import { validationHook } from '../http/validation-hook.ts';
import { clientKey } from '../limits/client-key.ts';
import { getClientIp } from '../limits/get-client-ip.ts';
import type { ServerContext } from '../server-context.ts';
import type { ConversationOwner } from '../storage/stores.ts';
import { problemResponses, rateLimitHeaders } from './route-docs.ts';

interface FeedbackEnv {
  Variables: { owner: ConversationOwner };
}

/** A stored feedback, as the API answers it. */
export const feedbackSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    messageId: z.string(),
    type: z.enum(['positive', 'negative']),
    details: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Feedback');

const requestSchema = z
  .object({
    conversationId: conversationIdSchema,
    messageId: z.string().min(1).max(200),
    type: z.enum(['positive', 'negative']),
    details: z.string().max(1000).nullish(),
  })
  .openapi('FeedbackRequest');

const visitorSecurity: Record<string, string[]>[] = [
  { anonymousSession: [] },
  { apiKey: [] },
  { bearerApiKey: [] },
];

/**
 * `POST /run/v1/feedback`: the owner of a conversation rates one of its answers (one feedback a
 * message; a second replaces the first). With an app credential every write counts against the
 * client's feedback budget (`INKEEP_IP_FEEDBACK_RATE_LIMIT`), checked before the body is read;
 * API keys count against their own. The write is one statement.
 */
export function createFeedbackRoutes(context: ServerContext): OpenAPIHono<FeedbackEnv> {
  const routes = new OpenAPIHono<FeedbackEnv>({ defaultHook: validationHook });

  const authorize: MiddlewareHandler<FeedbackEnv> = async (c, next) => {
    const principal = await authenticate(c, context, 'chat');
    if (principal.kind === 'anonymous') {
      const client = clientKey(getClientIp(c, context.settings.trustProxy));
      enforceRateLimit(c, await context.budgets.clientFeedback.consume(client), 'client-feedback');
    }
    c.set('owner', ownerOf(principal));
    await next();
  };

  const route = createRoute({
    method: 'post',
    path: '/run/v1/feedback',
    summary: 'Rate an answer of one of your conversations (one feedback a message)',
    description:
      'The message must be an assistant message of the caller’s conversation. A second feedback on the same message replaces the first (200 instead of 201). With an app credential each call counts against the client IP budget INKEEP_IP_FEEDBACK_RATE_LIMIT (IPv6 by /64).',
    security: visitorSecurity,
    middleware: [authorize, jsonBody(context.settings.bodyLimitBytes)],
    request: {
      body: { required: true, content: { 'application/json': { schema: requestSchema } } },
    },
    responses: {
      201: {
        description: 'Stored',
        headers: rateLimitHeaders,
        content: { 'application/json': { schema: feedbackSchema } },
      },
      200: {
        description: 'Stored, replacing the earlier feedback on this message',
        headers: rateLimitHeaders,
        content: { 'application/json': { schema: feedbackSchema } },
      },
      ...problemResponses({
        400: ['bad_request'],
        401: ['unauthorized'],
        403: ['origin_not_allowed', 'forbidden'],
        404: 'not_found: the conversation is not the caller’s, or the message is not an answer in it',
        413: ['payload_too_large'],
        415: ['unsupported_media_type'],
        429: ['rate_limit_exceeded'],
        503: ['service_unavailable'],
      }),
    },
  });

  routes.openapi(route, async (c) => {
    const { conversationId, messageId, type, details } = c.req.valid('json');
    const stored = await context.feedback.put(c.get('owner'), {
      conversationId,
      messageId,
      type,
      details: details ?? null,
    });
    if (!stored)
      throw new ProblemError(
        404,
        'not_found',
        'Conversation not found, or the message is not an answer in it',
      );
    return c.json(stored.feedback, stored.replaced ? 200 : 201);
  });

  return routes;
}
