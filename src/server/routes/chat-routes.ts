import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import {
  type ChatRequest,
  chatRequestSchema,
  refuseInstructions,
  toChatRequest,
} from '../chat/chat-request-schema.ts';
import { conversationTitle } from '../chat/conversation-title.ts';
import type { ChatMessage } from '../chat/responder.ts';
import { authenticate, ownerOf, type Principal } from '../http/authenticate.ts';
import { ProblemError } from '../http/problem-error.ts';
import { jsonBody } from '../http/read-json-body.ts';
import { enforceRateLimit } from '../http/set-rate-limit-headers.ts';
import { createValidationHook, validationHook } from '../http/validation-hook.ts';
import { clientKey } from '../limits/client-key.ts';
import { getClientIp } from '../limits/get-client-ip.ts';
import type { ServerContext } from '../server-context.ts';
import type { Conversation, ConversationOwner } from '../storage/stores.ts';
import {
  appIdHeader,
  originHeader,
  problem,
  rateLimitHeaders,
  retryAfterHeader,
  unavailable,
  visitorSecurity,
} from './route-docs.ts';

/** Messages a conversation may hold; beyond it the visitor starts a new one. */
const maxStoredMessages = 1000;
const encoder = new TextEncoder();

function errorMessage(error: unknown): string {
  return error instanceof Error && error.name === 'UpstreamError'
    ? error.message
    : 'The answer could not be generated';
}

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

/** What the chat route keeps between its admission step and its handler. */
type ChatEnv = { Variables: { principal: Principal; release: () => void } };

/** `POST /run/v1/chat/completions`: streamed (SSE) or whole answers, stored in a conversation. */
export function createChatRoutes(context: ServerContext): OpenAPIHono<ChatEnv> {
  const { responder, settings, now } = context;
  const routes = new OpenAPIHono<ChatEnv>({ defaultHook: validationHook });

  // The credential, the agent and the budgets are checked before the body is read, and a slot
  // is taken; a request refused after that (its body, its conversation) gives the slot back.
  const admit: MiddlewareHandler<ChatEnv> = async (c, next) => {
    const principal = await authenticate(c, context, 'chat', { requireAppHeader: true });
    const requestedAgent = c.req.header('x-inkeep-agent-id') ?? c.req.header('x-inkeep-graph-id');
    const { budgets } = context;
    const client = clientKey(getClientIp(c, settings.trustProxy));
    // Visitors (and keyless development callers) are budgeted per client, per visitor and per
    // app; API keys by their own per-key limit, counted in authenticate().
    const visitor =
      principal.kind === 'anonymous'
        ? `${principal.app.id}\n${principal.claims.sub}`
        : principal.kind === 'development'
          ? principal.sub
          : undefined;
    if (principal.kind === 'anonymous') {
      if (requestedAgent !== undefined && requestedAgent !== principal.app.defaultAgentId) {
        throw new ProblemError(403, 'forbidden', 'Agent not available for this app');
      }
    } else if (principal.agentId && requestedAgent && requestedAgent !== principal.agentId) {
      throw new ProblemError(403, 'forbidden', 'This credential is bound to another agent');
    }
    // Counted and a slot taken in one step (one Redis round trip), before anything is stored,
    // so a refused request leaves no turn behind.
    let release = () => {};
    if (visitor) {
      const admission = await context.shared.admit(
        ...budgets.chat(
          client,
          visitor,
          principal.kind === 'anonymous' ? principal.app.id : undefined,
        ),
      );
      enforceRateLimit(c, admission.result);
      release = admission.release;
    }
    c.set('principal', principal);
    c.set('release', release);
    await next();
    // Handled errors (a refused body, an unknown conversation) end here as c.error.
    if (c.error) release();
  };

  const route = createRoute({
    method: 'post',
    path: '/run/v1/chat/completions',
    summary: 'Chat completion, streamed as OpenAI chat.completion.chunk events or whole',
    description:
      "With an app credential: only user and assistant messages (system/developer are 400 naming the role; the app's config.systemPrompt goes to the model first and is never stored). Budgeted in order per client IP (INKEEP_IP_CHAT_RATE_LIMIT a minute; IPv6 by /64), per visitor (INKEEP_CHAT_RATE_LIMIT a minute, INKEEP_CHAT_DAILY_LIMIT a day) and per app (INKEEP_APP_CHAT_RATE_LIMIT, 0 = off), with at most INKEEP_IP_CONCURRENT_STREAMS answers generated at once per client and INKEEP_VISITOR_CONCURRENT_STREAMS per visitor. A client whose credentials failed INKEEP_AUTH_FAILURE_LIMIT times this minute gets 429 before its credential is checked. API keys with the chat scope may send any role and are budgeted per key.",
    security: visitorSecurity,
    middleware: [admit, jsonBody(settings.bodyLimitBytes)] as const,
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
        'not_found: app disabled, or conversation unknown (or not a conversation id) or not yours',
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

  routes.openapi(
    route,
    async (c) => {
      const principal = c.get('principal');
      const body = c.req.valid('json');
      if (principal.kind === 'anonymous') refuseInstructions(body);
      return answer(c, principal, toChatRequest(body), c.get('release'));
    },
    // A conversation id of the wrong shape names no conversation: 404, like an unknown one.
    createValidationHook({
      notFound: { fields: ['conversationId'], detail: 'Conversation not found' },
    }),
  );

  /**
   * The history to answer again for a `regenerate` request: the stored conversation must end
   * with the request's question, answered or not; its answer is removed (never a user turn added).
   */
  async function askedAgain(
    found: Conversation,
    owner: ConversationOwner,
    request: ChatRequest,
  ): Promise<ChatMessage[]> {
    const last = found.messages.at(-1);
    const answered = last?.role === 'assistant';
    const question = answered ? found.messages.at(-2) : last;
    if (question?.role !== 'user' || question.content !== request.messages.at(-1)?.content) {
      throw new ProblemError(
        400,
        'bad_request',
        "regenerate: the conversation's last turn is not this question and its answer",
      );
    }
    if (answered && !(await context.conversations.removeLastAnswer(found.id, owner, last.id))) {
      throw new ProblemError(
        400,
        'bad_request',
        'regenerate: the conversation changed meanwhile; its last answer is not this one',
      );
    }
    return found.messages
      .slice(0, answered ? -1 : undefined)
      .map(({ role, content }) => ({ role, content }));
  }

  async function answer(
    c: Context<ChatEnv>,
    principal: Principal,
    request: ChatRequest,
    release: () => void,
  ): Promise<Response> {
    const owner = ownerOf(principal);
    const { conversations } = context;
    let conversationId: string;
    let history: ChatMessage[];
    if (request.conversationId) {
      const found = await conversations.get(request.conversationId, owner);
      if (!found) throw new ProblemError(404, 'not_found', 'Conversation not found');
      if (request.regenerate) {
        conversationId = found.id;
        history = await askedAgain(found, owner, request);
      } else {
        const incoming = request.messages.slice(-1);
        if (found.messageCount + incoming.length + 1 > maxStoredMessages) {
          throw new ProblemError(400, 'bad_request', 'Conversation is full, start a new one');
        }
        if (!(await conversations.append(found.id, owner, incoming, { checkQuota: true }))) {
          throw new ProblemError(404, 'not_found', 'Conversation not found');
        }
        conversationId = found.id;
        history = [...found.messages, ...incoming].map(({ role, content }) => ({ role, content }));
      }
    } else {
      if (request.messages.length + 1 > maxStoredMessages) {
        throw new ProblemError(400, 'bad_request', 'Conversation is full, start a new one');
      }
      const firstUser = request.messages.find((message) => message.role === 'user');
      const started = await conversations.start(
        owner,
        conversationTitle(firstUser?.content ?? ''),
        request.messages,
      );
      conversationId = started.id;
      history = request.messages;
    }
    c.header('x-inkeep-conversation-id', conversationId);

    const abort = new AbortController();
    c.req.raw.signal.addEventListener('abort', () => abort.abort(), { once: true });
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(now() / 1000);
    // The app's own instructions go first, every time, and are never stored or shown.
    const systemPrompt =
      principal.kind === 'anonymous' ? principal.app.config.systemPrompt : undefined;
    const chunks = responder.respond({
      messages: systemPrompt ? [{ role: 'system', content: systemPrompt }, ...history] : history,
      signal: abort.signal,
    });
    let answer = '';
    let saved = false;
    const saveAnswer = async () => {
      release();
      if (saved || !answer) return;
      saved = true;
      // An answer to an accepted turn is kept even when it passes a quota.
      await conversations.append(conversationId, owner, [{ role: 'assistant', content: answer }]);
    };

    if (!request.stream) {
      try {
        for await (const chunk of chunks) answer += chunk;
      } catch (error) {
        await saveAnswer();
        throw new ProblemError(502, 'upstream_error', errorMessage(error));
      }
      await saveAnswer();
      return c.json({
        id,
        object: 'chat.completion',
        created,
        model: responder.model,
        choices: [
          { index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' },
        ],
      });
    }

    const chunk = (delta: Record<string, string>, finishReason: string | null) =>
      encoder.encode(
        `data: ${JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created,
          model: responder.model,
          choices: [{ index: 0, delta, finish_reason: finishReason }],
        })}\n\n`,
      );
    const iterator = chunks[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (abort.signal.aborted) {
            await saveAnswer();
            controller.close();
            return;
          }
          if (!next.done) {
            answer += next.value;
            controller.enqueue(chunk({ content: next.value }, null));
            return;
          }
          // Durable before the client learns the answer is complete.
          await saveAnswer();
          controller.enqueue(chunk({}, 'stop'));
          controller.enqueue(encoder.encode('data: [DONE]\n\n'));
          controller.close();
        } catch (error) {
          await saveAnswer().catch(() => {});
          const code =
            error instanceof Error && error.name === 'UpstreamError'
              ? 'upstream_error'
              : 'internal_error';
          controller.enqueue(
            encoder.encode(
              `data: ${JSON.stringify({ error: { code, message: errorMessage(error) } })}\n\n`,
            ),
          );
          controller.close();
        }
      },
      async cancel() {
        abort.abort();
        await saveAnswer().catch(() => {});
      },
    });
    c.header('Content-Type', 'text/event-stream; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    c.header('X-Accel-Buffering', 'no');
    return c.body(body);
  }

  return routes;
}
