// Real clients of POST /run/api/chat, not ours: the Vercel AI SDK's `Chat` (the class behind
// `useChat`, from @ai-sdk/react, with the `ai` 6.0.44 that Inkeep's agents-ui bundles and whose
// chunk schemas are strict: an unknown key fails the stream), and the `ai` package's own
// DefaultChatTransport + readUIMessageStream. Both talk to the app through `app.fetch`.
import { Chat } from '@ai-sdk/react';
import { DefaultChatTransport, readUIMessageStream, type UIMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import type { Responder } from '../../../src/server/index.ts';
import { createTestApp, demoOrigin, getToken, sseData } from '../helpers.ts';

/** The `ai` package Inkeep's agents-ui and @ai-sdk/react use (strict chunk schemas). */
const strictAiUrl = new URL(
  '../../../node_modules/@ai-sdk/react/node_modules/ai/dist/index.mjs',
  import.meta.url,
).href;
interface StrictAi {
  DefaultChatTransport: typeof DefaultChatTransport;
  uiMessageChunkSchema: () => { validate(value: unknown): Promise<{ success: boolean }> };
}
const strictAi = (await import(strictAiUrl)) as StrictAi;

/** Answers `answer <n> to <question>`, counting every answer, in three pieces. */
function countingResponder(): Responder & { heard: string[][] } {
  let answers = 0;
  const heard: string[][] = [];
  return {
    model: 'counting',
    heard,
    async *respond({ messages }) {
      heard.push(messages.map((message) => `${message.role}:${message.content}`));
      const question = messages.at(-1)?.content ?? '';
      answers++;
      yield `answer ${answers} `;
      yield 'to ';
      yield question;
    },
  };
}

const text = (message: UIMessage | undefined) =>
  message?.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');

async function setup() {
  const responder = countingResponder();
  const app = createTestApp({ responder });
  const token = await getToken(app);
  const headers = { authorization: `Bearer ${token}`, 'x-inkeep-app-id': 'app_demo' };
  const raw: string[] = [];
  // The SDK's requests go to the app; each response's text is kept to check every event.
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    request.headers.set('origin', demoOrigin);
    const response = await app.fetch(request);
    raw.push(await response.clone().text());
    return response;
  };
  const stored = async (id: string) => {
    const response = await app.request(`/run/v1/conversations/${id}`, {
      headers: { ...headers, origin: demoOrigin },
    });
    const body = (await response.json()) as {
      data: { messages: { id: string; role: string; content: string }[] };
    };
    return body.data.messages;
  };
  return { app, responder, headers, fetch, raw, stored };
}

/** Every event of every response is a chunk the strict schema accepts, then `[DONE]`. */
async function expectStrictEvents(raw: string[]) {
  const schema = strictAi.uiMessageChunkSchema();
  for (const body of raw) {
    const data = sseData(body);
    expect(data.at(-1)).toBe('[DONE]');
    for (const event of data.slice(0, -1)) {
      expect(await schema.validate(JSON.parse(event)), event).toMatchObject({ success: true });
    }
  }
}

describe('POST /run/api/chat with the AI SDK', () => {
  it('useChat’s Chat: two messages in one conversation, then the last answer regenerated', async () => {
    const { responder, headers, fetch, raw, stored } = await setup();
    const conversationId = `conv_${'a1B2-c3_D4e5F6g7h8'}`;
    const errors: unknown[] = [];
    const chat = new Chat({
      transport: new strictAi.DefaultChatTransport({
        api: 'http://run.test/run/api/chat',
        headers,
        fetch,
        // As agents-ui does: only the newest message, and the conversation id in the body.
        prepareSendMessagesRequest: ({ id, messages, trigger, messageId, body }) => ({
          body: { ...body, id, messages: messages.slice(-1), trigger, messageId, conversationId },
        }),
      }),
      onError: (error) => errors.push(error),
    });

    await chat.sendMessage({ text: 'First?' });
    await chat.sendMessage({ text: 'Second?' });
    expect(errors).toEqual([]);
    expect(chat.status).toBe('ready');
    expect(chat.messages.map((message) => `${message.role}:${text(message)}`)).toEqual([
      'user:First?',
      'assistant:answer 1 to First?',
      'user:Second?',
      'assistant:answer 2 to Second?',
    ]);
    // The server held the history: the second answer was made from all of it.
    expect(responder.heard.at(-1)).toEqual([
      'user:First?',
      'assistant:answer 1 to First?',
      'user:Second?',
    ]);
    // Each answer is stored under the id the stream announced.
    const firstStored = await stored(conversationId);
    expect(firstStored.map((message) => message.id)).toEqual([
      expect.stringMatching(/^msg_/),
      chat.messages[1]?.id,
      expect.stringMatching(/^msg_/),
      chat.messages[3]?.id,
    ]);

    await chat.regenerate();
    expect(errors).toEqual([]);
    expect(chat.messages.map((message) => `${message.role}:${text(message)}`)).toEqual([
      'user:First?',
      'assistant:answer 1 to First?',
      'user:Second?',
      'assistant:answer 3 to Second?',
    ]);
    const afterRegenerate = await stored(conversationId);
    expect(afterRegenerate.map((message) => `${message.role}:${message.content}`)).toEqual([
      'user:First?',
      'assistant:answer 1 to First?',
      'user:Second?',
      'assistant:answer 3 to Second?',
    ]);
    expect(afterRegenerate[3]?.id).toBe(chat.messages[3]?.id);
    // The model did not see the answer it replaces.
    expect(responder.heard.at(-1)).toEqual([
      'user:First?',
      'assistant:answer 1 to First?',
      'user:Second?',
    ]);
    expect(raw).toHaveLength(3);
    await expectStrictEvents(raw);
  });

  it('the ai package’s DefaultChatTransport, sending the whole list, and readUIMessageStream', async () => {
    const { headers, fetch, raw, stored } = await setup();
    const transport = new DefaultChatTransport<UIMessage>({
      api: 'http://run.test/run/api/chat',
      headers,
      fetch,
    });
    // The chat id is a conversation id: the server uses it when the body names none.
    const chatId = 'conv_transport_chat_0001';
    const messages: UIMessage[] = [];
    const ask = async (question: string) => {
      messages.push({
        id: `user-${messages.length}`,
        role: 'user',
        parts: [{ type: 'text', text: question }],
      });
      const stream = await transport.sendMessages({
        chatId,
        messages,
        trigger: 'submit-message',
        messageId: undefined,
        abortSignal: undefined,
      });
      let last: UIMessage | undefined;
      for await (const message of readUIMessageStream({ stream, terminateOnError: true })) {
        last = message;
      }
      if (last) messages.push(last);
      return last;
    };
    expect(text(await ask('One?'))).toBe('answer 1 to One?');
    expect(text(await ask('Two?'))).toBe('answer 2 to Two?');
    const history = await stored(chatId);
    // The whole list was sent twice; only the newest user message was stored each time.
    expect(history.map((message) => `${message.role}:${message.content}`)).toEqual([
      'user:One?',
      'assistant:answer 1 to One?',
      'user:Two?',
      'assistant:answer 2 to Two?',
    ]);
    expect(history[3]?.id).toBe(messages[3]?.id);
    await expectStrictEvents(raw);
  });
});
