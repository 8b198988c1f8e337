import { lastUserText, type Responder, sleep } from './responder.ts';

/** Options of {@link createEchoResponder}. */
export interface EchoResponderOptions {
  tokenDelayMs?: number;
  /** Characters (code points) per chunk. */
  chunkSize?: number;
}

/** Creates a responder that replies with the user's last message verbatim, in small chunks. */
export function createEchoResponder({
  tokenDelayMs = 0,
  chunkSize = 8,
}: EchoResponderOptions = {}): Responder {
  return {
    model: 'inkeep-echo',
    async *respond({ messages, signal }) {
      // Array.from splits by code point, so no chunk ends in half a surrogate pair.
      const characters = Array.from(lastUserText(messages));
      for (let start = 0; start < characters.length; start += chunkSize) {
        await sleep(tokenDelayMs, signal);
        if (signal.aborted) return;
        yield characters.slice(start, start + chunkSize).join('');
      }
    },
  };
}
