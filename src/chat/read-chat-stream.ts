import { InkeepChatError, isAbortError } from '../errors.ts';
import type { ChatStreamEvent } from './create-chat-client.ts';
import { readSseEvents } from './read-sse-events.ts';

interface CompletionChunk {
  choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[];
  error?: { code?: unknown; message?: unknown };
}

function parseChunk(data: string): CompletionChunk {
  try {
    const chunk: unknown = JSON.parse(data);
    if (typeof chunk === 'object' && chunk !== null) return chunk as CompletionChunk;
  } catch (error) {
    throw new InkeepChatError('server_error', 'The answer stream sent an unreadable chunk', {
      cause: error,
    });
  }
  throw new InkeepChatError('server_error', 'The answer stream sent an unreadable chunk');
}

/**
 * Yields the `text-delta` and `text-end` events of an OpenAI-style `chat.completion.chunk`
 * stream. `[DONE]` is optional after a chunk with a `finish_reason`; a stream that ends with
 * neither throws `stream_interrupted`, an `{"error":…}` chunk throws `stream_error`.
 */
export async function* readChatStream(
  body: ReadableStream<Uint8Array>,
  { signal }: { signal?: AbortSignal | undefined } = {},
): AsyncGenerator<ChatStreamEvent> {
  let ended = false;
  try {
    for await (const event of readSseEvents(body, { signal })) {
      if (event.data === '[DONE]') {
        if (!ended) yield { type: 'text-end', finishReason: 'stop' };
        return;
      }
      // Some servers send a usage chunk after the finish; nothing after it is part of the text.
      if (ended) continue;
      const chunk = parseChunk(event.data);
      if (chunk.error) {
        const { code, message } = chunk.error;
        throw new InkeepChatError(
          'stream_error',
          typeof message === 'string' && message ? message : 'The answer failed',
          typeof code === 'string' ? { serverCode: code } : {},
        );
      }
      const choice = chunk.choices?.[0];
      const content = choice?.delta?.content;
      if (typeof content === 'string' && content !== '')
        yield { type: 'text-delta', delta: content };
      const finishReason = choice?.finish_reason;
      if (typeof finishReason === 'string') {
        ended = true;
        yield { type: 'text-end', finishReason };
      }
    }
  } catch (error) {
    if (error instanceof InkeepChatError || isAbortError(error) || signal?.aborted) throw error;
    // The connection dropped mid-answer (a network error from the body reader).
    if (!ended) {
      throw new InkeepChatError('stream_interrupted', 'The answer was interrupted', {
        cause: error,
      });
    }
    return;
  }
  if (!ended) throw new InkeepChatError('stream_interrupted', 'The answer was interrupted');
}
