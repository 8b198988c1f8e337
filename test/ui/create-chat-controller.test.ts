import { describe, expect, it, vi } from 'vitest';
import type { ChatStreamEvent } from '../../src/chat/create-chat-client.ts';
import { InkeepChatError } from '../../src/errors.ts';
import { createChatController } from '../../src/ui/create-chat-controller.ts';

type Script = (signal: AbortSignal) => AsyncGenerator<ChatStreamEvent>;

function fakeClient(...scripts: Script[]) {
  const requests: { messages: unknown[]; conversationId?: string | undefined }[] = [];
  return {
    requests,
    streamChat(request: {
      messages: unknown[];
      conversationId?: string | undefined;
      signal?: AbortSignal | undefined;
    }) {
      requests.push({ messages: request.messages, conversationId: request.conversationId });
      const script = scripts.shift();
      if (!script) throw new Error('no more scripted answers');
      return script(request.signal ?? new AbortController().signal);
    },
  };
}

async function* answer(...deltas: string[]): AsyncGenerator<ChatStreamEvent> {
  yield { type: 'conversation-start', conversationId: 'conv_1' };
  for (const delta of deltas) yield { type: 'text-delta', delta };
  yield { type: 'text-end', finishReason: 'stop' };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createChatController', () => {
  it('streams an answer into the message list and keeps the conversation id', async () => {
    const client = fakeClient(() => answer('Hel', 'lo'));
    const onMessage = vi.fn();
    const controller = createChatController({ client, onMessage });
    controller.send('  Hi  ');
    await settled();
    const { messages, conversationId, streaming } = controller.getState();
    expect(messages.map(({ role, content, status }) => [role, content, status])).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
    expect(conversationId).toBe('conv_1');
    expect(streaming).toBe(false);
    expect(onMessage).toHaveBeenCalledWith(expect.objectContaining({ content: 'Hello' }));
  });

  it('sends only the new message once the server holds the conversation', async () => {
    const client = fakeClient(
      () => answer('One'),
      () => answer('Two'),
    );
    const controller = createChatController({ client });
    controller.send('first');
    await settled();
    controller.send('second');
    await settled();
    expect(client.requests[1]).toEqual({
      messages: [{ role: 'user', content: 'second' }],
      conversationId: 'conv_1',
    });
  });

  it('hands the text back to the composer when a send fails before any answer', async () => {
    const client = fakeClient(async function* () {
      yield* [];
      throw new InkeepChatError('network', 'The chat server cannot be reached.');
    });
    const onError = vi.fn();
    const controller = createChatController({ client, onError });
    controller.send('keep me');
    await settled();
    const state = controller.getState();
    expect(state.messages).toEqual([]);
    expect(state.draft).toBe('keep me');
    expect(state.sendFailed).toBe(true);
    expect(state.error?.code).toBe('network');
    expect(onError).toHaveBeenCalledOnce();
  });

  it('keeps what the visitor typed meanwhile after the text that failed, and retries it', async () => {
    let fail = true;
    const client = {
      async *streamChat(): AsyncGenerator<ChatStreamEvent> {
        if (fail) throw new InkeepChatError('network', 'The chat server cannot be reached.');
        yield* answer('Back');
      },
    };
    const controller = createChatController({ client });
    controller.setDraft('first');
    controller.send('first');
    expect(controller.getState().draft).toBe('');
    controller.setDraft('second');
    await settled();
    expect(controller.getState().draft).toBe('first\nsecond');
    fail = false;
    controller.retry();
    await settled();
    expect(controller.getState().messages.map((message) => message.content)).toEqual([
      'first\nsecond',
      'Back',
    ]);
    expect(controller.getState()).toMatchObject({ draft: '', sendFailed: false, error: null });
  });

  it('keeps an interrupted answer, marks it, and retries it', async () => {
    const client = fakeClient(
      async function* () {
        yield { type: 'text-delta', delta: 'Partial' };
        throw new InkeepChatError('stream_interrupted', 'The answer was interrupted.');
      },
      () => answer('Complete'),
    );
    const controller = createChatController({ client });
    controller.send('question');
    await settled();
    expect(controller.getState().messages[1]).toMatchObject({
      content: 'Partial',
      status: 'interrupted',
    });
    controller.retry();
    await settled();
    const { messages, error } = controller.getState();
    expect(messages.map((message) => message.content)).toEqual(['question', 'Complete']);
    expect(error).toBeNull();
  });

  it('stops a streaming answer and keeps what arrived', async () => {
    let release: () => void = () => {};
    const client = fakeClient(async function* (signal) {
      yield { type: 'text-delta', delta: 'So far' };
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      signal.throwIfAborted();
    });
    const controller = createChatController({ client });
    controller.send('question');
    await settled();
    expect(controller.getState().streaming).toBe(true);
    controller.stop();
    release();
    await settled();
    expect(controller.getState().messages[1]).toMatchObject({
      content: 'So far',
      status: 'stopped',
    });
    expect(controller.getState().streaming).toBe(false);
  });

  it('waits out a rate limit and sends again by itself', async () => {
    const timers: { callback: () => void; ms: number }[] = [];
    const client = fakeClient(
      async function* () {
        yield* [];
        throw new InkeepChatError('rate_limited', 'Too many requests', { retryAfter: 7 });
      },
      () => answer('Later'),
    );
    const controller = createChatController({
      client,
      now: () => 1_000,
      setTimer: (callback, ms) => timers.push({ callback, ms }),
      clearTimer: () => {},
    });
    controller.send('patient');
    await settled();
    expect(controller.getState()).toMatchObject({ resendAt: 8_000, draft: '' });
    expect(timers[0]?.ms).toBe(7_000);
    timers[0]?.callback();
    await settled();
    expect(controller.getState().messages.map((message) => message.content)).toEqual([
      'patient',
      'Later',
    ]);
  });

  it('starts a new conversation from the shown messages when the server lost the old one', async () => {
    const client = fakeClient(
      () => answer('One'),
      async function* () {
        yield* [];
        throw new InkeepChatError('not_found', 'Conversation not found', { status: 404 });
      },
      async function* () {
        yield { type: 'conversation-start', conversationId: 'conv_2' };
        yield* answer('Two');
      },
    );
    const controller = createChatController({ client });
    controller.send('first');
    await settled();
    controller.send('second');
    await settled();
    expect(client.requests[2]).toEqual({
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'One' },
        { role: 'user', content: 'second' },
      ],
      conversationId: undefined,
    });
    expect(controller.getState().error).toBeNull();
    expect(controller.getState().messages.at(-1)?.content).toBe('Two');
  });

  it('gives a rate-limited message back to the composer on Stop, beside what was typed since', async () => {
    const client = fakeClient(async function* () {
      yield* [];
      throw new InkeepChatError('rate_limited', 'Too many requests', { retryAfter: 30 });
    });
    const controller = createChatController({
      client,
      setTimer: () => 1,
      clearTimer: () => {},
    });
    controller.send('waiting');
    await settled();
    controller.setDraft('typed meanwhile');
    controller.stop();
    expect(controller.getState()).toMatchObject({
      draft: 'waiting\ntyped meanwhile',
      resendAt: null,
      error: null,
    });
  });
});
