import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { conversationIdSchema } from '../../contract/conversation-id.ts';
import { type AdmittedChatEnv, chatAdmission } from '../chat/admit-chat-turn.ts';
import { instructionsRefused } from '../chat/chat-request-schema.ts';
import { type ChatTurnRequest, runChatTurn } from '../chat/run-chat-turn.ts';
import { streamChatTurn, streamHeaders } from '../chat/stream-chat-turn.ts';
import {
  uiMessageStreamEncoding,
  uiMessageStreamHeader,
} from '../chat/ui-message-stream-encoding.ts';
import type { Principal } from '../http/authenticate.ts';
import { ProblemError } from '../http/problem-error.ts';
import { jsonBody } from '../http/read-json-body.ts';
import { validationHook } from '../http/validation-hook.ts';
import type { ServerContext } from '../server-context.ts';
import { problemResponses, rateLimitHeaders } from './route-docs.ts';

/** A part of an AI SDK UI message: only `text` parts mean anything here, the rest are ignored. */
const partSchema = z.looseObject({ type: z.string().max(100), text: z.string().optional() });

/** An AI SDK `UIMessage`, as `useChat` sends it. */
const uiMessageSchema = z.looseObject({
  id: z.string().max(200).optional(),
  role: z.enum(['system', 'user', 'assistant']),
  parts: z.array(partSchema).max(100),
});

/** Anonymous-session JWTs, or server-to-server keys (the security schemes of /openapi.json). */
const visitorSecurity: Record<string, string[]>[] = [
  { anonymousSession: [] },
  { apiKey: [] },
  { bearerApiKey: [] },
];

const badRequest = (detail: string) => new ProblemError(400, 'bad_request', detail);

/** The request body as the AI SDK's `DefaultChatTransport` (and Inkeep's agents-ui) send it. */
function requestSchema(maxMessages: number) {
  return z
    .object({
      id: z.string().max(200).optional(),
      // '' is none, as a client that has not made one yet may send it.
      conversationId: z.union([conversationIdSchema, z.literal('')]).nullish(),
      messages: z.array(uiMessageSchema).min(1).max(maxMessages),
      trigger: z.enum(['submit-message', 'regenerate-message']).optional(),
      messageId: z.string().max(200).nullish(),
      requestContext: z.unknown().optional(),
    })
    .openapi('UiChatRequest', {
      description:
        'Unknown keys are ignored. Only the newest user message is read: the server holds the history by conversationId (or by id, when it is a conversation id).',
    });
}

type UiChatRequest = z.infer<ReturnType<typeof requestSchema>>;

/** The turn a UI chat body asks for: its newest user message, in its conversation. */
function turnRequest(
  body: UiChatRequest,
  principal: Principal,
  maxMessageLength: number,
): ChatTurnRequest {
  if (principal.kind === 'anonymous') {
    body.messages.forEach((message, index) => {
      if (message.role === 'system') throw instructionsRefused(`messages[${index}]`, 'system');
    });
  }
  const index = body.messages.findLastIndex((message) => message.role === 'user');
  const newest = body.messages[index];
  if (!newest) throw badRequest('messages must hold a user message');
  const text = newest.parts
    .filter((part) => part.type === 'text')
    .map((part) => part.text ?? '')
    .join('');
  if (!text.trim()) throw badRequest(`messages[${index}].parts must hold text`);
  if (text.length > maxMessageLength) {
    throw badRequest(`messages[${index}].parts is longer than ${maxMessageLength} characters`);
  }
  const fromId = conversationIdSchema.safeParse(body.id);
  const conversationId = body.conversationId || (fromId.success ? fromId.data : undefined);
  const regenerate = body.trigger === 'regenerate-message';
  if (regenerate && !conversationId) {
    throw badRequest(
      'trigger "regenerate-message" needs a conversationId: only a stored answer can be replaced',
    );
  }
  return { messages: [{ role: 'user', content: text }], conversationId, regenerate };
}

/**
 * `POST /run/api/chat`: the chat as a Vercel AI SDK UI message stream, for `useChat` clients
 * and Inkeep's agents-ui. Same credentials, `Origin` check, budgets and conversation ownership
 * as chat completions (one shared turn); conversations may be started under a client-made id.
 */
export function createUiChatRoutes(context: ServerContext): OpenAPIHono<AdmittedChatEnv> {
  const { settings } = context;
  const routes = new OpenAPIHono<AdmittedChatEnv>({ defaultHook: validationHook });

  const route = createRoute({
    method: 'post',
    path: '/run/api/chat',
    summary: 'Chat, streamed as a Vercel AI SDK UI message stream (useChat, Inkeep agents-ui)',
    description:
      'Answers the newest user message of `messages` in the conversation `conversationId` (a client-made `conv_` id starts a conversation at its first use; without one, `id` is used when it is a conversation id, else a new conversation is made). `trigger: "regenerate-message"` answers the last question again, replacing its answer. The answer is stored under the `start` chunk\'s `messageId`. An `x-inkeep-challenge-solution` header is accepted and ignored.',
    security: visitorSecurity,
    middleware: [chatAdmission(context), jsonBody(settings.bodyLimitBytes)],
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: requestSchema(settings.maxMessages) } },
      },
    },
    responses: {
      200: {
        description:
          'data: {"type":"start","messageId"}, {"type":"text-start","id"}, {"type":"text-delta","id","delta"}…, {"type":"text-end","id"}, {"type":"finish","finishReason":"stop"}, then data: [DONE]. A failure mid-stream sends {"type":"error","errorText"} instead of finish.',
        headers: {
          'x-vercel-ai-ui-message-stream': { schema: { type: 'string', enum: ['v1'] } },
          'x-inkeep-conversation-id': { schema: { type: 'string' } },
          ...rateLimitHeaders,
        },
        content: { 'text/event-stream': { schema: z.string() } },
      },
      ...problemResponses({
        400: ['bad_request'],
        401: ['unauthorized'],
        403: ['origin_not_allowed', 'forbidden'],
        404: 'not_found: unknown or disabled app, or a conversation of someone else',
        413: ['payload_too_large'],
        415: ['unsupported_media_type'],
        429: ['rate_limit_exceeded', 'quota_exceeded'],
        503: ['service_unavailable'],
      }),
    },
  });

  routes.openapi(route, async (c) => {
    const admitted = c.get('admitted');
    const request = turnRequest(c.req.valid('json'), admitted.principal, settings.maxMessageLength);
    const turn = await runChatTurn(context, admitted, request);
    c.req.raw.signal.addEventListener('abort', () => turn.stop(), { once: true });
    c.header('x-inkeep-conversation-id', turn.conversationId);
    return c.body(
      streamChatTurn(turn, uiMessageStreamEncoding(turn.answerId), context.drain),
      200,
      {
        ...streamHeaders,
        ...uiMessageStreamHeader,
      },
    );
  });

  return routes;
}
