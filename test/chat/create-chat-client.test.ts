import { describe, expect, it, vi } from 'vitest';
import { type ChatStreamEvent, createChatClient } from '../../src/chat/create-chat-client.ts';
import { InkeepChatError } from '../../src/errors.ts';

const encoder = new TextEncoder();

function chunk(content: string | null, finishReason: string | null = null): string {
  const delta = content === null ? {} : { content };
  return `data: ${JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'scripted',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  })}\n\n`;
}

const answer = `${chunk('Héllo ')}: keep-alive\n\n${chunk('wörld 😀')}${chunk(null, 'stop')}`;

interface FakeBody {
  stream: ReadableStream<Uint8Array>;
  cancelled: () => boolean;
  controller: () => ReadableStreamDefaultController<Uint8Array>;
}

/** A body that sends the given byte chunks, then closes unless `keepOpen`. */
function body(chunks: (string | Uint8Array)[], { keepOpen = false } = {}): FakeBody {
  let cancelled = false;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      for (const piece of chunks) {
        streamController.enqueue(typeof piece === 'string' ? encoder.encode(piece) : piece);
      }
      if (!keepOpen) streamController.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled, controller: () => controller! };
}

function sseResponse(stream: ReadableStream<Uint8Array>, conversationId = 'conv_1'): Response {
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream', 'x-inkeep-conversation-id': conversationId },
  });
}

async function collect(events: AsyncGenerator<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const result: ChatStreamEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const messages = [{ role: 'user' as const, content: 'Hi' }];

const expectedEvents: ChatStreamEvent[] = [
  { type: 'conversation-start', conversationId: 'conv_1' },
  { type: 'text-delta', delta: 'Héllo ' },
  { type: 'text-delta', delta: 'wörld 😀' },
  { type: 'text-end', finishReason: 'stop' },
];

describe('createChatClient().streamChat', () => {
  it('posts the messages as a streaming request', async () => {
    const fetch = vi.fn(async (_path: string, _init?: RequestInit) =>
      sseResponse(body([answer, 'data: [DONE]\n\n']).stream),
    );
    const client = createChatClient({ fetch });
    await collect(client.streamChat({ messages }));
    await collect(client.streamChat({ messages, conversationId: 'conv_9' }));
    const [path, init] = fetch.mock.calls[0]!;
    expect(path).toBe('/run/v1/chat/completions');
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(init?.body))).toEqual({ messages, stream: true });
    expect(JSON.parse(String(fetch.mock.calls[1]![1]?.body))).toEqual({
      messages,
      stream: true,
      conversationId: 'conv_9',
    });
  });

  it('asks to replace the stored answer only with a conversation', async () => {
    const fetch = vi.fn(async (_path: string, _init?: RequestInit) =>
      sseResponse(body([answer, 'data: [DONE]\n\n']).stream),
    );
    const client = createChatClient({ fetch });
    await collect(client.streamChat({ messages, conversationId: 'conv_9', regenerate: true }));
    await collect(client.streamChat({ messages, regenerate: true }));
    const sent = fetch.mock.calls.map(([, init]) => JSON.parse(String(init?.body)));
    expect(sent).toEqual([
      { messages, stream: true, conversationId: 'conv_9', regenerate: true },
      { messages, stream: true },
    ]);
  });

  it('yields the same events however the body is split', async () => {
    const bytes = encoder.encode(answer.replaceAll('\n', '\r\n'));
    for (let offset = 0; offset <= bytes.length; offset++) {
      const client = createChatClient({
        fetch: async () =>
          sseResponse(body([bytes.subarray(0, offset), bytes.subarray(offset)]).stream),
      });
      expect(await collect(client.streamChat({ messages })), `split at ${offset}`).toEqual(
        expectedEvents,
      );
    }
  });

  it('accepts a stream with [DONE] and one without', async () => {
    for (const tail of ['data: [DONE]\n\n', '']) {
      const client = createChatClient({
        fetch: async () => sseResponse(body([answer, tail]).stream),
      });
      expect(await collect(client.streamChat({ messages }))).toEqual(expectedEvents);
    }
  });

  it('ends the text at [DONE] when no chunk gave a finish reason', async () => {
    const client = createChatClient({
      fetch: async () => sseResponse(body([chunk('a'), 'data: [DONE]\n\n']).stream),
    });
    expect(await collect(client.streamChat({ messages }))).toEqual([
      { type: 'conversation-start', conversationId: 'conv_1' },
      { type: 'text-delta', delta: 'a' },
      { type: 'text-end', finishReason: 'stop' },
    ]);
  });

  it('ignores chunks after the finish, such as usage', async () => {
    const usage = `data: ${JSON.stringify({ choices: [], usage: { total_tokens: 3 } })}\n\n`;
    const client = createChatClient({
      fetch: async () => sseResponse(body([answer, usage, chunk('late')]).stream),
    });
    expect(await collect(client.streamChat({ messages }))).toEqual(expectedEvents);
  });

  it('throws stream_interrupted when the stream ends without a finish', async () => {
    const client = createChatClient({
      fetch: async () => sseResponse(body([chunk('partial'), 'data: {"choi']).stream),
    });
    const events: ChatStreamEvent[] = [];
    const error = await caught(
      (async () => {
        for await (const event of client.streamChat({ messages })) events.push(event);
      })(),
    );
    expect(events.at(-1)).toEqual({ type: 'text-delta', delta: 'partial' });
    expect(error).toBeInstanceOf(InkeepChatError);
    expect((error as InkeepChatError).code).toBe('stream_interrupted');
  });

  it('throws stream_interrupted when the connection drops', async () => {
    const fake = body([chunk('partial')], { keepOpen: true });
    const client = createChatClient({ fetch: async () => sseResponse(fake.stream) });
    const events = client.streamChat({ messages });
    await events.next();
    expect(await events.next()).toEqual({
      done: false,
      value: { type: 'text-delta', delta: 'partial' },
    });
    fake.controller().error(new TypeError('network error'));
    const error = await caught(events.next());
    expect((error as InkeepChatError).code).toBe('stream_interrupted');
    expect((error as InkeepChatError).cause).toBeInstanceOf(TypeError);
  });

  it('throws stream_error with the message of an error chunk', async () => {
    const failure = 'data: {"error":{"code":"upstream_failed","message":"Model unavailable"}}\n\n';
    const client = createChatClient({
      fetch: async () => sseResponse(body([chunk('a'), failure]).stream),
    });
    const error = await caught(collect(client.streamChat({ messages })));
    expect(error).toBeInstanceOf(InkeepChatError);
    expect(error).toMatchObject({
      code: 'stream_error',
      message: 'Model unavailable',
      serverCode: 'upstream_failed',
    });
  });

  it('throws server_error for an unreadable chunk', async () => {
    const client = createChatClient({
      fetch: async () => sseResponse(body(['data: <html>\n\n']).stream),
    });
    expect(await caught(collect(client.streamChat({ messages })))).toMatchObject({
      code: 'server_error',
    });
  });

  it('throws the error of a non-OK response, with Retry-After', async () => {
    const client = createChatClient({
      fetch: async () =>
        Response.json(
          {
            title: 'Too Many Requests',
            status: 429,
            detail: 'Rate limit exceeded',
            code: 'rate_limit_exceeded',
            error: { code: 'rate_limit_exceeded', message: 'Rate limit exceeded', retry_after: 12 },
          },
          { status: 429, headers: { 'retry-after': '12' } },
        ),
    });
    expect(await caught(collect(client.streamChat({ messages })))).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfter: 12,
    });
  });

  it('throws quota_exceeded (not retryable, no resend) for a full storage quota', async () => {
    const detail = 'You have stored the most conversations allowed: delete some to start a new one';
    const client = createChatClient({
      fetch: async () =>
        Response.json(
          {
            title: 'Too Many Requests',
            status: 429,
            detail,
            code: 'quota_exceeded',
            error: { code: 'quota_exceeded', message: detail, status: 429 },
          },
          { status: 429 },
        ),
    });
    const error = await caught(collect(client.streamChat({ messages })));
    expect(error).toMatchObject({ code: 'quota_exceeded', status: 429, message: detail });
    expect((error as { retryable: boolean }).retryable).toBe(false);
  });

  it('throws network when fetch fails, and passes InkeepChatError through', async () => {
    const failing = createChatClient({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    expect(await caught(collect(failing.streamChat({ messages })))).toMatchObject({
      code: 'network',
    });
    const refused = new InkeepChatError('unauthorized', 'Invalid end-user JWT', { status: 401 });
    const unauthorized = createChatClient({
      fetch: async () => {
        throw refused;
      },
    });
    expect(await caught(collect(unauthorized.streamChat({ messages })))).toBe(refused);
  });

  it('does not fetch with an already aborted signal', async () => {
    const fetch = vi.fn(async () => sseResponse(body([answer]).stream));
    const controller = new AbortController();
    controller.abort();
    const error = await caught(
      collect(createChatClient({ fetch }).streamChat({ messages, signal: controller.signal })),
    );
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('aborts before the first token while fetch is pending', async () => {
    const controller = new AbortController();
    const client = createChatClient({
      fetch: (_path, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    });
    const pending = caught(collect(client.streamChat({ messages, signal: controller.signal })));
    controller.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
  });

  it('aborts before the first token and cancels the body', async () => {
    const fake = body([': waiting\n\n'], { keepOpen: true });
    const controller = new AbortController();
    const client = createChatClient({ fetch: async () => sseResponse(fake.stream) });
    const events = client.streamChat({ messages, signal: controller.signal });
    expect((await events.next()).value).toMatchObject({ type: 'conversation-start' });
    const next = caught(events.next());
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await next).toMatchObject({ name: 'AbortError' });
    expect(fake.cancelled()).toBe(true);
  });

  it('aborts mid-stream, keeps what arrived and cancels the body', async () => {
    const fake = body([chunk('first')], { keepOpen: true });
    const controller = new AbortController();
    const client = createChatClient({ fetch: async () => sseResponse(fake.stream) });
    const received: string[] = [];
    const error = await caught(
      (async () => {
        for await (const event of client.streamChat({ messages, signal: controller.signal })) {
          if (event.type === 'text-delta') {
            received.push(event.delta);
            controller.abort();
          }
        }
      })(),
    );
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(received).toEqual(['first']);
    expect(fake.cancelled()).toBe(true);
  });

  it('throws an AbortError even when the abort reason is not one', async () => {
    const fake = body([], { keepOpen: true });
    const controller = new AbortController();
    const client = createChatClient({ fetch: async () => sseResponse(fake.stream) });
    const pending = caught(collect(client.streamChat({ messages, signal: controller.signal })));
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort('stop pressed');
    expect(await pending).toMatchObject({ name: 'AbortError' });
  });

  it('cancels the body when the caller stops reading', async () => {
    for (const stopAfter of ['conversation-start', 'text-delta']) {
      const fake = body([chunk('first')], { keepOpen: true });
      const client = createChatClient({ fetch: async () => sseResponse(fake.stream) });
      for await (const event of client.streamChat({ messages })) {
        if (event.type === stopAfter) break;
      }
      expect(fake.cancelled(), stopAfter).toBe(true);
    }
  });

  it('starts without conversation-start when the header is missing', async () => {
    const client = createChatClient({
      fetch: async () => new Response(body([answer]).stream),
    });
    expect(await collect(client.streamChat({ messages }))).toEqual(expectedEvents.slice(1));
  });
});

describe('createChatClient() conversations', () => {
  const summary = {
    id: 'conv_1',
    title: 'Hello',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:01.000Z',
  };

  it('lists conversations with page and limit', async () => {
    const page = { data: [summary], pagination: { page: 2, limit: 5, total: 6, pages: 2 } };
    const fetch = vi.fn(async (_path: string, _init?: RequestInit) => Response.json(page));
    const client = createChatClient({ fetch });
    expect(await client.listConversations({ page: 2, limit: 5 })).toEqual(page);
    expect(fetch.mock.calls[0]![0]).toBe('/run/v1/conversations?page=2&limit=5');
    await client.listConversations();
    expect(fetch.mock.calls[1]![0]).toBe('/run/v1/conversations?page=1&limit=20');
  });

  it('gets one conversation with its messages', async () => {
    const conversation = {
      ...summary,
      messages: [
        {
          id: 'msg_1',
          role: 'user',
          content: 'Hi',
          parts: [{ type: 'text', text: 'Hi' }],
          createdAt: summary.createdAt,
        },
      ],
    };
    const fetch = vi.fn(async (_path: string, _init?: RequestInit) =>
      Response.json({ data: conversation }),
    );
    const client = createChatClient({ fetch });
    expect(await client.getConversation('conv_1')).toEqual({ ...conversation, hasMore: false });
    expect(fetch.mock.calls[0]![0]).toBe('/run/v1/conversations/conv_1');
    await client.getConversation('a/b?c');
    expect(fetch.mock.calls[1]![0]).toBe('/run/v1/conversations/a%2Fb%3Fc');
  });

  it('gets the messages before a message, a page at a time', async () => {
    const page = {
      data: { ...summary, messages: [] },
      pagination: { limit: 10, hasMore: true, before: 'msg_0' },
    };
    const fetch = vi.fn(async (_path: string, _init?: RequestInit) => Response.json(page));
    const client = createChatClient({ fetch });
    expect(await client.getConversation('conv_1', { before: 'msg_5&x', limit: 10 })).toEqual({
      ...page.data,
      hasMore: true,
    });
    expect(fetch.mock.calls[0]![0]).toBe('/run/v1/conversations/conv_1?limit=10&before=msg_5%26x');
  });

  it('sends feedback as JSON and names the answer the stream announced', async () => {
    const fetch = vi.fn(async (path: string, _init?: RequestInit) =>
      path === '/run/v1/feedback'
        ? Response.json({ id: 'fb_1' }, { status: 201 })
        : new Response('data: [DONE]\n\n', {
            headers: {
              'content-type': 'text/event-stream',
              'x-inkeep-conversation-id': 'conv_1',
              'x-inkeep-message-id': 'msg_answer',
            },
          }),
    );
    const client = createChatClient({ fetch });
    const [start] = await collect(client.streamChat({ messages }));
    expect(start).toEqual({
      type: 'conversation-start',
      conversationId: 'conv_1',
      messageId: 'msg_answer',
    });
    const feedback = {
      conversationId: 'conv_1',
      messageId: 'msg_answer',
      type: 'negative' as const,
      details: 'Wrong version',
    };
    await client.sendFeedback(feedback);
    expect(fetch.mock.calls[1]![0]).toBe('/run/v1/feedback');
    expect(fetch.mock.calls[1]![1]?.method).toBe('POST');
    expect(JSON.parse(String(fetch.mock.calls[1]![1]?.body))).toEqual(feedback);
  });

  it('deletes a conversation', async () => {
    const fetch = vi.fn(
      async (_path: string, _init?: RequestInit) => new Response(null, { status: 204 }),
    );
    await createChatClient({ fetch }).deleteConversation('conv_1');
    expect(fetch.mock.calls[0]![0]).toBe('/run/v1/conversations/conv_1');
    expect(fetch.mock.calls[0]![1]?.method).toBe('DELETE');
  });

  it('throws not_found for an unknown conversation', async () => {
    const client = createChatClient({
      fetch: async () =>
        Response.json(
          { title: 'Not Found', status: 404, detail: 'Conversation not found', code: 'not_found' },
          { status: 404 },
        ),
    });
    expect(await caught(client.getConversation('conv_x'))).toMatchObject({
      code: 'not_found',
      status: 404,
    });
    expect(await caught(client.deleteConversation('conv_x'))).toMatchObject({ code: 'not_found' });
  });

  it('throws server_error for an unreadable answer', async () => {
    const client = createChatClient({ fetch: async () => new Response('<html>') });
    expect(await caught(client.listConversations())).toMatchObject({ code: 'server_error' });
    const empty = createChatClient({ fetch: async () => Response.json({}) });
    expect(await caught(empty.getConversation('conv_1'))).toMatchObject({ code: 'server_error' });
  });

  it('passes aborts through', async () => {
    const controller = new AbortController();
    controller.abort();
    const client = createChatClient({ fetch: async () => Response.json({}) });
    expect(await caught(client.listConversations({ signal: controller.signal }))).toMatchObject({
      name: 'AbortError',
    });
  });
});
