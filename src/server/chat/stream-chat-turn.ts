import type { ChatTurn } from './run-chat-turn.ts';

/** How a protocol spells a streamed answer: each returns the SSE text to send (may be ''). */
export interface ChatTurnEncoding {
  /** Before the first piece. */
  start(): string;
  /** One piece of the answer. */
  delta(text: string): string;
  /** After the last piece, once the answer is stored. */
  finish(): string;
  /** The responder failed (the answer so far is stored first). */
  error(error: unknown): string;
}

const encoder = new TextEncoder();

/**
 * The answer of a turn as a `text/event-stream` body in `encoding`. Pulled by the client: one
 * piece is asked of the responder per read (never ahead of it), so a slow reader slows the model
 * instead of buffering. The answer is stored before the client learns it is complete; a client that goes
 * away stops the responder, and what was said is stored.
 */
export function streamChatTurn(
  turn: ChatTurn,
  encoding: ChatTurnEncoding,
): ReadableStream<Uint8Array> {
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => {
    if (text) controller.enqueue(encoder.encode(text));
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        send(controller, encoding.start());
      },
      async pull(controller) {
        try {
          const next = await turn.pieces.next();
          if (turn.stopped) {
            await turn.end();
            controller.close();
            return;
          }
          if (!next.done) {
            send(controller, encoding.delta(next.value));
            return;
          }
          // Durable before the client learns the answer is complete.
          await turn.end();
          send(controller, encoding.finish());
          controller.close();
        } catch (error) {
          await turn.end().catch(() => {});
          send(controller, encoding.error(error));
          controller.close();
        }
      },
      async cancel() {
        turn.stop();
        await turn.end().catch(() => {});
      },
      // No read-ahead: a piece is asked of the responder only when the client reads, so what is
      // stored after a disconnect is what was sent.
    },
    { highWaterMark: 0 },
  );
}

/** Headers of every streamed answer. */
export const streamHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
};
