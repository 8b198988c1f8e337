import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { conversationTitle } from '../chat/conversation-title.ts';
import { type ChatRequest, parseChatRequest } from '../chat/parse-chat-request.ts';
import type { ChatMessage } from '../chat/responder.ts';
import { authenticate, ownerOf, type Principal } from '../http/authenticate.ts';
import { ProblemError } from '../http/problem-error.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import { enforceRateLimit } from '../http/set-rate-limit-headers.ts';
import { clientKey } from '../limits/client-key.ts';
import { getClientIp } from '../limits/get-client-ip.ts';
import type { ServerContext } from '../server-context.ts';
import type { Conversation, ConversationOwner } from '../storage/stores.ts';

/** Messages a conversation may hold; beyond it the visitor starts a new one. */
const maxStoredMessages = 1000;
const encoder = new TextEncoder();

function errorMessage(error: unknown): string {
  return error instanceof Error && error.name === 'UpstreamError'
    ? error.message
    : 'The answer could not be generated';
}

/** `POST /run/v1/chat/completions`: streamed (SSE) or whole answers, stored in a conversation. */
export function createChatRoutes(context: ServerContext): Hono {
  const { responder, settings, now } = context;
  const routes = new Hono();

  routes.post('/run/v1/chat/completions', async (c) => {
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
    let request: ChatRequest;
    try {
      request = parseChatRequest(await readJsonBody(c, settings.bodyLimitBytes), {
        ...settings,
        allowInstructions: principal.kind !== 'anonymous',
      });
    } catch (error) {
      release();
      throw error;
    }
    try {
      return await answer(c, principal, request, release);
    } catch (error) {
      release();
      throw error;
    }
  });

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
    c: Context,
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
