import { abortErrorOf } from './abort-error-of.ts';
import { createSseParser, type SseEvent } from './create-sse-parser.ts';

/** Options of {@link readSseEvents}. */
export interface ReadSseEventsOptions {
  /** Aborting cancels the body and makes the generator throw an `AbortError`. */
  signal?: AbortSignal | undefined;
}

/**
 * Decodes a UTF-8 byte stream (chunks may split a character) and yields its server-sent
 * events as they complete. Returning early or aborting cancels the stream.
 */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
  { signal }: ReadSseEventsOptions = {},
): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let events: SseEvent[] = [];
  const parser = createSseParser({ onEvent: (event) => events.push(event) });
  // A body that does not follow the fetch's signal (a service worker, a test's stream) would
  // keep a pending read waiting forever; cancelling settles it so the abort is seen at once.
  const cancel = () => {
    reader.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener('abort', cancel, { once: true });
  let finished = false;
  try {
    for (;;) {
      if (signal?.aborted) throw abortErrorOf(signal);
      const { done, value } = await reader.read();
      if (signal?.aborted) throw abortErrorOf(signal);
      parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      const ready = events;
      events = [];
      for (const event of ready) yield event;
      if (done) break;
    }
    finished = true;
  } finally {
    signal?.removeEventListener('abort', cancel);
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
