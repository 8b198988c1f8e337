import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { type AdmittedChatEnv, chatAdmission } from '../chat/admit-chat-turn.ts';
import {
  chatRequestSchema,
  refuseInstructions,
  toChatRequest,
} from '../chat/chat-request-schema.ts';
import { answerFailure, runChatTurn } from '../chat/run-chat-turn.ts';
import { streamChatTurn, streamHeaders } from '../chat/stream-chat-turn.ts';
import { ProblemError } from '../http/problem-error.ts';
import { jsonBody } from '../http/read-json-body.ts';
import { validationHook } from '../http/validation-hook.ts';
import type { ServerContext } from '../server-context.ts';
import {
  appIdHeader,
  originHeader,
  problem,
  rateLimitHeaders,
  retryAfterHeader,
  unavailable,
  visitorSecurity,
} from './route-docs.ts';

const chatCompletionSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal('assistant'), content: z.string() }),
        finish_reason: z.string(),
      }),
    ),
  })
  .meta({ id: 'ChatCompletion' });

/** `POST /run/v1/chat/completions`: streamed (SSE) or whole answers, stored in a conversation. */
export function createChatRoutes(context: ServerContext): OpenAPIHono<AdmittedChatEnv> {
  const { settings, now } = context;
  const routes = new OpenAPIHono<AdmittedChatEnv>({ defaultHook: validationHook });

  const route = createRoute({
    method: 'post',
    path: '/run/v1/chat/completions',
    summary: 'Chat completion, streamed as OpenAI chat.completion.chunk events or whole',
    description:
      "With an app credential: only user and assistant messages (system/developer are 400 naming the role; the app's config.systemPrompt goes to the model first and is never stored). Budgeted in order per client IP (INKEEP_IP_CHAT_RATE_LIMIT a minute; IPv6 by /64), per visitor (INKEEP_CHAT_RATE_LIMIT a minute, INKEEP_CHAT_DAILY_LIMIT a day) and per app (INKEEP_APP_CHAT_RATE_LIMIT, 0 = off), with at most INKEEP_IP_CONCURRENT_STREAMS answers generated at once per client and INKEEP_VISITOR_CONCURRENT_STREAMS per visitor. A client whose credentials failed INKEEP_AUTH_FAILURE_LIMIT times this minute gets 429 before its credential is checked. API keys with the chat scope may send any role and are budgeted per key.",
    security: visitorSecurity,
    middleware: [chatAdmission(context), jsonBody(settings.bodyLimitBytes)] as const,
    parameters: [
      appIdHeader(true),
      originHeader,
      { name: 'x-inkeep-agent-id', in: 'header', schema: { type: 'string' } },
    ],
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: chatRequestSchema(settings) } },
      },
    },
    responses: {
      200: {
        description:
          'With stream:true, text/event-stream of `data: <chunk>` events, a final chunk with finish_reason "stop", then `data: [DONE]`; a failure mid-stream is `data: {"error":{"code","message"}}`. With stream:false, one chat.completion.',
        headers: {
          'x-inkeep-conversation-id': { schema: { type: 'string' } },
          'x-inkeep-message-id': {
            description: 'The id the answer is stored under (named by feedback).',
            schema: { type: 'string' },
          },
          ...rateLimitHeaders,
        },
        content: {
          'text/event-stream': { schema: z.string() },
          'application/json': { schema: chatCompletionSchema },
        },
      },
      400: problem(
        'bad_request naming the field, e.g. `messages[0].role "system" is not allowed` for an app credential, or `regenerate` when the conversation does not end with that question (and its answer)',
      ),
      401: problem('unauthorized: "Bearer token required" or "Invalid end-user JWT"'),
      403: problem('origin_not_allowed, or forbidden for another agent'),
      404: problem(
        'not_found: app disabled, or conversation not yours (or regenerate of one never used)',
      ),
      413: problem('payload_too_large'),
      429: {
        ...problem(
          'rate_limit_exceeded (Retry-After; X-RateLimit-* of the budget that refused, or Retry-After 2 when answers at once are at their limit), or quota_exceeded: a stored-data quota of the visitor or the app is full. quota_exceeded has no Retry-After (retrying later does not help) and deletes nothing to make room; the answer to an accepted turn is always kept.',
        ),
        headers: { ...retryAfterHeader, ...rateLimitHeaders },
      },
      502: problem('upstream_error: the model failed before answering (stream:false)'),
      503: unavailable,
    },
  });

  routes.openapi(route, async (c) => {
    const admitted = c.get('admitted');
    const body = c.req.valid('json');
    if (admitted.principal.kind === 'anonymous') refuseInstructions(body);
    const request = toChatRequest(body);
    const turn = await runChatTurn(context, admitted, request);
    c.header('x-inkeep-conversation-id', turn.conversationId);
    // The id the answer is stored under: what feedback names.
    c.header('x-inkeep-message-id', turn.answerId);
    c.req.raw.signal.addEventListener('abort', () => turn.stop(), { once: true });
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(now() / 1000);

    if (!request.stream) {
      try {
        // Pulled whole: `turn.answer` collects the pieces.
        while (!(await turn.pieces.next()).done) {}
      } catch (error) {
        await turn.end();
        throw new ProblemError(502, 'upstream_error', answerFailure(error).message);
      }
      await turn.end();
      return c.json({
        id,
        object: 'chat.completion',
        created,
        model: turn.model,
        choices: [
          { index: 0, message: { role: 'assistant', content: turn.answer }, finish_reason: 'stop' },
        ],
      });
    }

    const chunk = (delta: Record<string, string>, finishReason: string | null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: turn.model,
        choices: [{ index: 0, delta, finish_reason: finishReason }],
      })}\n\n`;
    return c.body(
      streamChatTurn(
        turn,
        {
          start: () => '',
          delta: (text) => chunk({ content: text }, null),
          finish: () => `${chunk({}, 'stop')}data: [DONE]\n\n`,
          error: (error) => `data: ${JSON.stringify({ error: answerFailure(error) })}\n\n`,
          // Cut short by a shutdown: no stop chunk and no [DONE], which clients read as interrupted.
          interrupt: () => '',
        },
        context.drain,
      ),
      200,
      streamHeaders,
    );
  });

  return routes;
}
