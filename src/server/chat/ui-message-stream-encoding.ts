// The Vercel AI SDK's UI message stream (v1), as its clients (`useChat`, `DefaultChatTransport`,
// Inkeep's agents-ui) read it: SSE `data:` lines of JSON chunks, ending with `data: [DONE]`.
// Every chunk has exactly the keys of the SDK's `uiMessageChunkSchema` (some clients validate
// strictly):
//   {"type":"start","messageId"}  {"type":"text-start","id"}  {"type":"text-delta","id","delta"}…
//   {"type":"text-end","id"}  {"type":"finish","finishReason":"stop"}  [DONE]
// A failure after the start closes the text part and sends {"type":"error","errorText"} instead
// of `finish`; so does an answer the server cut short while shutting down.
import { answerFailure } from './run-chat-turn.ts';
import type { ChatTurnEncoding } from './stream-chat-turn.ts';

/** The header that tells AI SDK clients the body is a UI message stream. */
export const uiMessageStreamHeader = { 'x-vercel-ai-ui-message-stream': 'v1' };

/** The id of the answer's one text part. */
const textId = 'text-1';

const line = (chunk: Record<string, string>) => `data: ${JSON.stringify(chunk)}\n\n`;
const done = 'data: [DONE]\n\n';

/** Encodes an answer stored as `messageId` as a UI message stream. */
export function uiMessageStreamEncoding(messageId: string): ChatTurnEncoding {
  return {
    start: () => line({ type: 'start', messageId }) + line({ type: 'text-start', id: textId }),
    delta: (text) => line({ type: 'text-delta', id: textId, delta: text }),
    finish: () =>
      line({ type: 'text-end', id: textId }) +
      line({ type: 'finish', finishReason: 'stop' }) +
      done,
    error: (error) =>
      line({ type: 'text-end', id: textId }) +
      line({ type: 'error', errorText: answerFailure(error).message }) +
      done,
    interrupt: () =>
      line({ type: 'text-end', id: textId }) +
      line({ type: 'error', errorText: 'The answer was interrupted: the server is restarting' }) +
      done,
  };
}
