/** One message of a chat, as responders read it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What a responder is asked to answer. */
export interface RespondRequest {
  messages: ChatMessage[];
  /** Aborted when the client goes away: stop generating (and abort any upstream call). */
  signal: AbortSignal;
}

/** Produces an answer as a stream of text pieces; the one seam between chat and models. */
export interface Responder {
  /** The `model` reported in completion chunks. */
  model: string;
  respond(request: RespondRequest): AsyncIterable<string>;
}

/** Waits `ms`, resolving early (without error) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The text of the last user message (what scripted and echo responders answer). */
export function lastUserText(messages: readonly ChatMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role === 'user') return message.content;
  }
  return '';
}
