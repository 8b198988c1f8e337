import { createParser } from 'eventsource-parser';
import type { Responder } from './responder.ts';

/** Options of {@link createOpenAiResponder} (`INKEEP_UPSTREAM_*`). */
export interface OpenAiResponderOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  model: string;
  fetch?: typeof globalThis.fetch;
}

/** An upstream model failed; its message is safe to show (no secrets, no upstream body). */
export class UpstreamError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}

/**
 * Yields the `data:` payloads of an SSE byte stream, split anywhere (mid-line, mid-UTF-8, between
 * the CR and LF of one line end), as eventsource-parser reads them. Pulled: one read of the
 * upstream per payload asked for once the parsed ones are used up.
 */
async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parsed: string[] = [];
  const parser = createParser({ onEvent: (event) => parsed.push(event.data) });
  let finished = false;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) {
        finished = true;
        parser.feed(decoder.decode());
        yield* parsed.splice(0);
        return;
      }
      parser.feed(decoder.decode(value, { stream: true }));
      yield* parsed.splice(0);
    }
  } finally {
    // Stopped early ([DONE], an error, the client went away): the upstream need not send more.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** Creates a responder backed by any OpenAI-compatible `/chat/completions` endpoint. */
export function createOpenAiResponder({
  baseUrl,
  apiKey,
  model,
  fetch = globalThis.fetch,
}: OpenAiResponderOptions): Responder {
  const url = `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    model,
    async *respond({ messages, signal }) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (apiKey) headers.authorization = `Bearer ${apiKey}`;
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ model, messages, stream: true }),
          signal,
        });
      } catch (error) {
        if (signal.aborted) return;
        throw new UpstreamError('The upstream model could not be reached', { cause: error });
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new UpstreamError(`The upstream model answered ${response.status}`);
      }
      try {
        for await (const data of readSseData(response.body)) {
          if (data === '[DONE]') return;
          let chunk: {
            choices?: { delta?: { content?: unknown } }[];
            error?: { message?: unknown };
          };
          try {
            chunk = JSON.parse(data);
          } catch {
            throw new UpstreamError('The upstream model sent malformed data');
          }
          if (chunk.error) throw new UpstreamError('The upstream model reported an error');
          const content = chunk.choices?.[0]?.delta?.content;
          if (typeof content === 'string' && content) yield content;
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof UpstreamError) throw error;
        throw new UpstreamError('The upstream stream failed', { cause: error });
      }
    },
  };
}
