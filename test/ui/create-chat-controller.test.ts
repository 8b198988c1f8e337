import { describe, expect, it, vi } from 'vitest';
import type { ChatStreamEvent, Conversation } from '../../src/chat/create-chat-client.ts';
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

/** An answer whose stream breaks after `text`. */
async function* cutShort(text: string): AsyncGenerator<ChatStreamEvent> {
  yield { type: 'text-delta', delta: text };
  throw new InkeepChatError('stream_interrupted', 'The answer was interrupted.');
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createChatController', () => {
  it('rates a stored answer by its server id, and reports a refused rating once', async () => {
    const sent: unknown[] = [];
    let refuse = false;
    const client = {
      ...fakeClient(async function* () {
        yield { type: 'conversation-start', conversationId: 'conv_1', messageId: 'msg_a' };
        yield { type: 'text-delta', delta: 'Answer' };
      } as Script),
      async sendFeedback(feedback: unknown) {
        if (refuse) throw new InkeepChatError('rate_limited', 'Too many');
        sent.push(feedback);
      },
    };
    const onFeedback = vi.fn();
    const onError = vi.fn();
    const controller = createChatController({ client, onFeedback, onError });
    controller.send('Question');
    await settled();
    const answer = controller.getState().messages[1]!;
    expect(answer.serverId).toBe('msg_a');
    await controller.rate(answer.id, 'negative', 'Outdated');
    const rating = {
      conversationId: 'conv_1',
      messageId: 'msg_a',
      type: 'negative',
      details: 'Outdated',
    };
    expect(sent).toEqual([rating]);
    expect(onFeedback).toHaveBeenCalledWith(rating);
    expect(controller.getState().messages[1]!.feedback).toBe('negative');

    refuse = true;
    await controller.rate(answer.id, 'positive');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(controller.getState().error?.code).toBe('rate_limited');
    expect(controller.getState().messages[1]!.feedback).toBe('negative');
  });

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
      () => cutShort('Partial'),
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

  describe('asking again replaces the stored answer instead of adding a turn', () => {
    /** A client that records each request, answering from `scripts` in order. */
    function recordingClient(...scripts: (() => AsyncGenerator<ChatStreamEvent>)[]) {
      const requests: Record<string, unknown>[] = [];
      return {
        requests,
        streamChat({ signal: _signal, ...request }: Record<string, unknown>) {
          requests.push(request);
          const script = scripts.shift();
          if (!script) throw new Error('no more scripted answers');
          return script();
        },
      };
    }

    it('Retry after an interruption and Regenerate send regenerate with the question', async () => {
      const client = recordingClient(
        () => answer('First'),
        () => cutShort('Partial'),
        () => answer('Again'),
        () => answer('Once more'),
      );
      const controller = createChatController({ client });
      controller.send('one');
      await settled();
      controller.send('two');
      await settled();
      controller.retry();
      await settled();
      controller.regenerate();
      await settled();
      const again = {
        messages: [{ role: 'user', content: 'two' }],
        conversationId: 'conv_1',
        regenerate: true,
      };
      expect(client.requests.slice(1)).toEqual([
        { messages: [{ role: 'user', content: 'two' }], conversationId: 'conv_1' },
        again,
        again,
      ]);
      expect(controller.getState().messages.map((message) => message.content)).toEqual([
        'one',
        'First',
        'two',
        'Once more',
      ]);
    });

    it('without a stored conversation sends the history as a new one', async () => {
      const client = recordingClient(
        () => cutShort('Partial'),
        () => answer('Whole'),
      );
      const controller = createChatController({ client });
      controller.send('question');
      await settled();
      controller.retry();
      await settled();
      expect(client.requests[1]).toEqual({
        messages: [{ role: 'user', content: 'question' }],
        conversationId: undefined,
      });
    });

    it('keeps the question and the earlier answer when asking again fails at once', async () => {
      const client = recordingClient(
        () => answer('First'),
        async function* () {
          yield* [];
          throw new InkeepChatError('network', 'The chat server cannot be reached.');
        },
        () => answer('Second'),
      );
      const controller = createChatController({ client });
      controller.send('question');
      await settled();
      controller.regenerate();
      await settled();
      expect(controller.getState()).toMatchObject({ draft: '', sendFailed: false });
      expect(controller.getState().error?.code).toBe('network');
      expect(
        controller.getState().messages.map(({ content, status }) => [content, status]),
      ).toEqual([
        ['question', 'complete'],
        ['First', 'interrupted'],
      ]);
      controller.retry();
      await settled();
      expect(client.requests[2]).toMatchObject({ regenerate: true });
      expect(controller.getState().messages.map((message) => message.content)).toEqual([
        'question',
        'Second',
      ]);
    });
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

  describe('a finished answer holds only its text, not the pieces it streamed in', () => {
    const pieces = Array.from({ length: 100 }, (_, index) => `${index} `);
    const expectReleased = (message: unknown) => {
      expect(message).toMatchObject({ content: pieces.join('') });
      expect(Object.keys(message as object).sort()).toEqual(['content', 'id', 'role', 'status']);
    };

    it('when complete', async () => {
      const onMessage = vi.fn();
      const controller = createChatController({
        client: fakeClient(() => answer(...pieces)),
        onMessage,
      });
      controller.send('question');
      await settled();
      expect(controller.getState().messages[1]?.status).toBe('complete');
      expectReleased(controller.getState().messages[1]);
      expectReleased(onMessage.mock.calls[0]?.[0]);
    });

    it('when stopped', async () => {
      let release: () => void = () => {};
      const client = fakeClient(async function* (signal) {
        for (const delta of pieces) yield { type: 'text-delta', delta };
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        signal.throwIfAborted();
      });
      const controller = createChatController({ client });
      controller.send('question');
      await settled();
      expect(controller.getState().messages[1]?.chunks).toHaveLength(pieces.length);
      controller.stop();
      release();
      await settled();
      expect(controller.getState().messages[1]?.status).toBe('stopped');
      expectReleased(controller.getState().messages[1]);
    });

    it('when interrupted by an error', async () => {
      const client = fakeClient(async function* () {
        for (const delta of pieces) yield { type: 'text-delta', delta };
        throw new InkeepChatError('stream_error', 'The model failed.');
      });
      const controller = createChatController({ client });
      controller.send('question');
      await settled();
      expect(controller.getState().messages[1]?.status).toBe('interrupted');
      expectReleased(controller.getState().messages[1]);
    });
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

  it('keeps a message sent while the remembered conversation loads, not the loaded one over it', async () => {
    let deliver: (conversation: Conversation) => void = () => {};
    const client = {
      ...fakeClient(() => answer('Fresh answer')),
      getConversation: () => new Promise<Conversation>((resolve) => (deliver = resolve)),
    };
    const memory = { get: () => 'conv_old', set: vi.fn() };
    const controller = createChatController({ client, memory });
    const restoring = controller.restore();
    controller.send('Typed while it loaded');
    await settled();
    deliver({
      id: 'conv_old',
      title: 'Old',
      createdAt: '',
      updatedAt: '',
      messages: [{ id: 'msg_1', role: 'user', content: 'Old question', parts: [], createdAt: '' }],
    });
    await restoring;
    const { messages, conversationId } = controller.getState();
    expect(messages.map((message) => message.content)).toEqual([
      'Typed while it loaded',
      'Fresh answer',
    ]);
    expect(conversationId).toBe('conv_1');
    expect(memory.set).not.toHaveBeenCalledWith('conv_old');
  });

  describe('a resumed long conversation', () => {
    const stored = (index: number) => ({
      id: `msg_${index}`,
      role: index % 2 ? ('assistant' as const) : ('user' as const),
      content: `message ${index}`,
      parts: [],
      createdAt: '',
    });
    /** A server holding `count` messages, answering pages of three. */
    function pagedClient(count: number) {
      const asked: (string | undefined)[] = [];
      let fail: InkeepChatError | null = null;
      const client = {
        ...fakeClient(() => answer('Next')),
        async getConversation(id: string, { before }: { before?: string | undefined } = {}) {
          asked.push(before);
          if (fail) throw fail;
          const end = before === undefined ? count : Number(before.slice(4));
          const start = Math.max(0, end - 3);
          return {
            id,
            title: 'Long',
            createdAt: '',
            updatedAt: '',
            messages: Array.from({ length: end - start }, (_, index) => stored(start + index)),
            hasMore: start > 0,
          };
        },
      };
      return { client, asked, failWith: (error: InkeepChatError | null) => (fail = error) };
    }
    const contents = (controller: ReturnType<typeof createChatController>) =>
      controller.getState().messages.map((message) => message.content);

    it('opens with the latest page and puts earlier pages in front, until the first', async () => {
      const { client, asked } = pagedClient(7);
      const memory = { get: () => 'conv_long', set: vi.fn() };
      const controller = createChatController({ client, memory });
      await controller.restore();
      expect(contents(controller)).toEqual(['message 4', 'message 5', 'message 6']);
      expect(controller.getState().hasEarlier).toBe(true);
      // Two clicks at once fetch once.
      await Promise.all([controller.loadEarlier(), controller.loadEarlier()]);
      expect(asked).toEqual([undefined, 'msg_4']);
      expect(contents(controller)).toEqual([1, 2, 3, 4, 5, 6].map((index) => `message ${index}`));
      await controller.loadEarlier();
      expect(contents(controller)).toHaveLength(7);
      expect(controller.getState().hasEarlier).toBe(false);
      await controller.loadEarlier();
      expect(asked).toEqual([undefined, 'msg_4', 'msg_1']);
    });

    it('keeps a new turn after the earlier pages, and sends only it', async () => {
      const { client } = pagedClient(7);
      const controller = createChatController({ client });
      await controller.openConversation('conv_long');
      controller.send('new question');
      await settled();
      await controller.loadEarlier();
      expect(contents(controller)).toEqual([
        ...[1, 2, 3, 4, 5, 6].map((index) => `message ${index}`),
        'new question',
        'Next',
      ]);
      expect(client.requests[0]).toEqual({
        messages: [{ role: 'user', content: 'new question' }],
        conversationId: 'conv_long',
      });
    });

    it('shows a failure and can try again; a page for a conversation left meanwhile is dropped', async () => {
      const { client, failWith } = pagedClient(7);
      const controller = createChatController({ client });
      await controller.openConversation('conv_long');
      failWith(new InkeepChatError('rate_limited', 'Too many requests', { status: 429 }));
      await controller.loadEarlier();
      expect(controller.getState().error?.code).toBe('rate_limited');
      expect(contents(controller)).toHaveLength(3);
      failWith(null);
      await controller.loadEarlier();
      expect(controller.getState().error).toBeNull();
      expect(contents(controller)).toHaveLength(6);
      const loading = controller.loadEarlier();
      controller.newConversation();
      await loading;
      expect(controller.getState()).toMatchObject({ messages: [], hasEarlier: false });
    });
  });
});
