import type { TrackedStream } from '../shutdown/create-drain.ts';
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
  /**
   * The server is shutting down and cut the answer short (what was said is stored first).
   * Default: nothing, so the stream ends with no finish, which clients read as interrupted.
   */
  interrupt?(): string;
}

/** Where a streamed answer reports itself while it runs (the server's drain). */
export interface StreamTracker {
  track(stream: TrackedStream): () => void;
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
  tracker?: StreamTracker,
): ReadableStream<Uint8Array> {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let pulling = false;
  let interrupted: Promise<void> | undefined;
  let untrack = () => {};
  const send = (text: string) => {
    if (text && !closed) controller.enqueue(encoder.encode(text));
  };
  const close = () => {
    if (closed) return;
    closed = true;
    untrack();
    controller.close();
  };
  // Ends the answer with the interrupted marker: stored first, as on any other end.
  const finishInterrupted = async () => {
    await turn.end().catch(() => {});
    send(encoding.interrupt?.() ?? '');
    close();
  };
  let settleInterrupt = () => {};
  const interrupt = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (!interrupted) {
      interrupted = new Promise<void>((resolve) => {
        settleInterrupt = resolve;
      });
      turn.stop();
      // A pull in progress ends the stream when its piece arrives; otherwise end it now.
      if (!pulling) finishInterrupted().finally(settleInterrupt);
    }
    return interrupted;
  };
  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
        if (tracker) untrack = tracker.track({ interrupt });
        send(encoding.start());
      },
      async pull() {
        if (closed) return;
        pulling = true;
        try {
          const next = await turn.pieces.next();
          if (interrupted) {
            await finishInterrupted();
            return;
          }
          if (turn.stopped) {
            await turn.end();
            close();
            return;
          }
          if (!next.done) {
            send(encoding.delta(next.value));
            return;
          }
          // Durable before the client learns the answer is complete.
          await turn.end();
          send(encoding.finish());
          close();
        } catch (error) {
          if (interrupted) {
            await finishInterrupted();
            return;
          }
          await turn.end().catch(() => {});
          send(encoding.error(error));
          close();
        } finally {
          pulling = false;
          if (interrupted) settleInterrupt();
        }
      },
      async cancel() {
        closed = true;
        untrack();
        turn.stop();
        await turn.end().catch(() => {});
        settleInterrupt();
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
