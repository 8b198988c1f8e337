import { errorFromResponse, InkeepChatError, isAbortError } from '../errors.ts';
import { abortErrorOf } from './abort-error-of.ts';
import { readChatStream } from './read-chat-stream.ts';

/** One message sent as context of a chat request. */
export interface ChatMessage {
  role: 'user' | 'assistant' | 'system';
  content: string;
}

/** What a streamed answer reports, in order: the conversation, its text, its end. */
export type ChatStreamEvent =
  | {
      type: 'conversation-start';
      conversationId: string;
      /** The id the answer is stored under (the server's `x-inkeep-message-id`), if it says. */
      messageId?: string | undefined;
    }
  | { type: 'text-delta'; delta: string }
  | { type: 'text-end'; finishReason: string };

/** A stored conversation as listed by `GET /run/v1/conversations`. */
export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

/** One stored message of a conversation; `parts` mirrors `content` (AI SDK shape). */
export interface ConversationMessage {
  id: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  parts: { type: 'text'; text: string }[];
  createdAt: string;
}

/** A stored conversation with its latest messages (or those before `before`), oldest first. */
export interface Conversation extends ConversationSummary {
  messages: ConversationMessage[];
  /** Earlier messages exist: ask with `before` = the first message's id (absent: none). */
  hasMore?: boolean;
}

/** A page of conversations, newest first. */
export interface ConversationPage {
  data: ConversationSummary[];
  pagination: {
    page: number;
    limit: number;
    total: number;
    pages: number;
    /** A cursor to the next page (the reference server's `before`); null on the last. */
    next?: string | null;
  };
}

/** The widget's client of the Run API chat and conversation endpoints. */
export interface ChatClient {
  streamChat(request: {
    messages: ChatMessage[];
    conversationId?: string | undefined;
    /**
     * Answer the conversation's last question again, replacing its stored answer instead of
     * adding a turn; `messages` ends with that question. Only with `conversationId`.
     */
    regenerate?: boolean | undefined;
    signal?: AbortSignal | undefined;
  }): AsyncGenerator<ChatStreamEvent>;
  listConversations(options?: {
    page?: number | undefined;
    limit?: number | undefined;
    signal?: AbortSignal | undefined;
  }): Promise<ConversationPage>;
  getConversation(
    id: string,
    options?: {
      /** A message id: only messages older than it. */
      before?: string | undefined;
      limit?: number | undefined;
      signal?: AbortSignal | undefined;
    },
  ): Promise<Conversation>;
  deleteConversation(id: string, options?: { signal?: AbortSignal | undefined }): Promise<void>;
  /** Rates an answer (`POST /run/v1/feedback`); a second rating replaces the first. */
  sendFeedback(feedback: Feedback): Promise<void>;
}

/** A visitor's rating of one stored answer. */
export interface Feedback {
  conversationId: string;
  /** The stored answer's id. */
  messageId: string;
  type: 'positive' | 'negative';
  details?: string | undefined;
}

/** Options of {@link createChatClient}. */
export interface ChatClientOptions {
  /** The session's authorized fetch: takes a path, adds base URL and credentials. */
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
}

/**
 * Creates the chat client. It never sees tokens: `fetch` authorizes each request.
 * @example
 * const client = createChatClient({ fetch: session.fetch });
 * for await (const event of client.streamChat({ messages: [{ role: 'user', content: 'Hi' }] })) {
 *   if (event.type === 'text-delta') output += event.delta;
 * }
 */
export function createChatClient({ fetch }: ChatClientOptions): ChatClient {
  async function request(path: string, init: RequestInit): Promise<Response> {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortErrorOf(signal);
    let response: Response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      if (signal?.aborted) throw abortErrorOf(signal);
      if (error instanceof InkeepChatError || isAbortError(error)) throw error;
      throw new InkeepChatError('network', 'The server could not be reached', { cause: error });
    }
    if (signal?.aborted) {
      await response.body?.cancel().catch(() => {});
      throw abortErrorOf(signal);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  async function requestJson(path: string, signal: AbortSignal | undefined): Promise<unknown> {
    const response = await request(path, { method: 'GET', signal: signal ?? null });
    try {
      return await response.json();
    } catch (error) {
      if (signal?.aborted || isAbortError(error)) throw signal ? abortErrorOf(signal) : error;
      throw new InkeepChatError('server_error', 'The server answered something unreadable', {
        cause: error,
      });
    }
  }

  function conversationPath(id: string): string {
    return `/run/v1/conversations/${encodeURIComponent(id)}`;
  }

  return {
    async *streamChat({ messages, conversationId, regenerate, signal }) {
      const response = await request('/run/v1/chat/completions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify({
          messages,
          stream: true,
          ...(conversationId === undefined ? {} : { conversationId }),
          ...(regenerate && conversationId !== undefined ? { regenerate: true } : {}),
        }),
        signal: signal ?? null,
      });
      const body = response.body;
      if (!body) throw new InkeepChatError('stream_interrupted', 'The answer was empty');
      const startedId = response.headers.get('x-inkeep-conversation-id');
      let handedOver = false;
      try {
        if (startedId) {
          const messageId = response.headers.get('x-inkeep-message-id') ?? undefined;
          yield { type: 'conversation-start', conversationId: startedId, messageId };
        }
        handedOver = true;
      } finally {
        // The caller stopped at the first event: release the connection.
        if (!handedOver) await body.cancel().catch(() => {});
      }
      yield* readChatStream(body, { signal });
    },

    async listConversations({ page = 1, limit = 20, signal } = {}) {
      const query = new URLSearchParams({ page: String(page), limit: String(limit) });
      const result = (await requestJson(`/run/v1/conversations?${query}`, signal)) as
        | ConversationPage
        | undefined;
      if (!Array.isArray(result?.data) || typeof result.pagination !== 'object') {
        throw new InkeepChatError('server_error', 'The server answered something unreadable');
      }
      return result;
    },

    async getConversation(id, { before, limit, signal } = {}) {
      // No parameters: the server's latest page (50 messages on the reference server).
      const query = new URLSearchParams();
      if (limit !== undefined) query.set('limit', String(limit));
      if (before !== undefined) query.set('before', before);
      const search = `${query}`;
      const result = (await requestJson(
        `${conversationPath(id)}${search && `?${search}`}`,
        signal,
      )) as { data?: Conversation; pagination?: { hasMore?: unknown } } | undefined;
      if (!result?.data || !Array.isArray(result.data.messages)) {
        throw new InkeepChatError('server_error', 'The server answered something unreadable');
      }
      return { ...result.data, hasMore: result.pagination?.hasMore === true };
    },

    async deleteConversation(id, { signal } = {}) {
      const response = await request(conversationPath(id), {
        method: 'DELETE',
        signal: signal ?? null,
      });
      await response.body?.cancel().catch(() => {});
    },

    async sendFeedback(feedback) {
      const response = await request('/run/v1/feedback', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(feedback),
      });
      await response.body?.cancel().catch(() => {});
    },
  };
}
