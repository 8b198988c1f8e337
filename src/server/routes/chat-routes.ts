import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { admitChatTurn } from '../chat/admit-chat-turn.ts';
import { type ChatRequest, parseChatRequest } from '../chat/parse-chat-request.ts';
import { answerFailure, type ChatTurn, runChatTurn } from '../chat/run-chat-turn.ts';
import { streamChatTurn, streamHeaders } from '../chat/stream-chat-turn.ts';
import { ProblemError } from '../http/problem-error.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import type { ServerContext } from '../server-context.ts';

/** `POST /run/v1/chat/completions`: streamed (SSE) or whole answers, stored in a conversation. */
export function createChatRoutes(context: ServerContext): Hono {
  const { settings, now } = context;
  const routes = new Hono();

  routes.post('/run/v1/chat/completions', async (c) => {
    const admitted = await admitChatTurn(c, context);
    let request: ChatRequest;
    let turn: ChatTurn;
    try {
      request = parseChatRequest(await readJsonBody(c, settings.bodyLimitBytes), {
        ...settings,
        allowInstructions: admitted.principal.kind !== 'anonymous',
      });
      turn = await runChatTurn(context, admitted, request);
    } catch (error) {
      admitted.release();
      throw error;
    }
    c.header('x-inkeep-conversation-id', turn.conversationId);
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
      streamChatTurn(turn, {
        start: () => '',
        delta: (text) => chunk({ content: text }, null),
        finish: () => `${chunk({}, 'stop')}data: [DONE]\n\n`,
        error: (error) => `data: ${JSON.stringify({ error: answerFailure(error) })}\n\n`,
      }),
      200,
      streamHeaders,
    );
  });

  return routes;
}
