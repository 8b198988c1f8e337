// The answer stream both chat routes share, with the UI message stream's encoding, on a fake
// turn: every sequence (answer, empty answer, failure, a client that goes away) and when the
// answer is stored.
import { describe, expect, it } from 'vitest';
import type { ChatTurn } from '../../../src/server/chat/run-chat-turn.ts';
import { streamChatTurn } from '../../../src/server/chat/stream-chat-turn.ts';
import { uiMessageStreamEncoding } from '../../../src/server/chat/ui-message-stream-encoding.ts';
import { UpstreamError } from '../../../src/server/index.ts';
import { uiEvents } from '../ui-chat-helpers.ts';

/** A turn over `pieces` that then fails with `failure`; it records stop() and end(). */
function fakeTurn(pieces: string[], failure?: Error) {
  const log: string[] = [];
  let answer = '';
  let stopped = false;
  let index = 0;
  const turn: ChatTurn = {
    conversationId: 'conv_fake_turn_000001',
    answerId: 'msg_fake',
    model: 'fake',
    pieces: {
      async next() {
        const piece = pieces[index++];
        if (piece === undefined) {
          if (failure) throw failure;
          return { done: true, value: undefined };
        }
        answer += piece;
        log.push(`said ${piece}`);
        return { done: false, value: piece };
      },
    },
    get answer() {
      return answer;
    },
    stop() {
      stopped = true;
      log.push('stop');
    },
    get stopped() {
      return stopped;
    },
    async end() {
      log.push(`end "${answer}"`);
    },
  };
  return { turn, log };
}

const read = async (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

describe('streamChatTurn with the UI message stream encoding', () => {
  it('an answer: start, text-start, deltas, text-end, finish, [DONE]; stored before finish', async () => {
    const { turn, log } = fakeTurn(['a', 'b']);
    const text = await read(streamChatTurn(turn, uiMessageStreamEncoding(turn.answerId)));
    expect(uiEvents(text)).toEqual([
      { type: 'start', messageId: 'msg_fake' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'a' },
      { type: 'text-delta', id: 'text-1', delta: 'b' },
      { type: 'text-end', id: 'text-1' },
      { type: 'finish', finishReason: 'stop' },
      '[DONE]',
    ]);
    expect(log).toEqual(['said a', 'said b', 'end "ab"']);
  });

  it('an empty answer', async () => {
    const { turn } = fakeTurn([]);
    const text = await read(streamChatTurn(turn, uiMessageStreamEncoding(turn.answerId)));
    expect(uiEvents(text).map((event) => (event === '[DONE]' ? event : event.type))).toEqual([
      'start',
      'text-start',
      'text-end',
      'finish',
      '[DONE]',
    ]);
  });

  it('an upstream failure after some text: stored, then text-end, error, [DONE]', async () => {
    const { turn, log } = fakeTurn(['a'], new UpstreamError('The upstream stream failed'));
    const text = await read(streamChatTurn(turn, uiMessageStreamEncoding(turn.answerId)));
    expect(uiEvents(text).slice(2)).toEqual([
      { type: 'text-delta', id: 'text-1', delta: 'a' },
      { type: 'text-end', id: 'text-1' },
      { type: 'error', errorText: 'The upstream stream failed' },
      '[DONE]',
    ]);
    expect(log).toEqual(['said a', 'end "a"']);
  });

  it('any other failure says only that the answer could not be generated', async () => {
    const { turn } = fakeTurn([], new TypeError('secret: cannot read x of undefined'));
    const text = await read(streamChatTurn(turn, uiMessageStreamEncoding(turn.answerId)));
    expect(uiEvents(text).at(-2)).toEqual({
      type: 'error',
      errorText: 'The answer could not be generated',
    });
    expect(text).not.toContain('secret');
  });

  it('a client that goes away stops the turn and stores what was said, asking no more', async () => {
    const { turn, log } = fakeTurn(['a', 'b', 'c', 'd', 'e']);
    const reader = streamChatTurn(turn, uiMessageStreamEncoding(turn.answerId)).getReader();
    let received = '';
    while (!received.includes('"delta":"b"')) {
      received += new TextDecoder().decode((await reader.read()).value);
    }
    await reader.cancel();
    // Nothing was asked ahead of the reader: what is stored is exactly what was sent.
    expect(log).toEqual(['said a', 'said b', 'stop', 'end "ab"']);
  });
});
