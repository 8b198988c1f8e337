import type {
  ChatClient,
  ChatMessage,
  Conversation,
  ConversationPage,
  Feedback,
} from '../chat/create-chat-client.ts';
import { InkeepChatError, isAbortError } from '../errors.ts';

/** One message as the interface shows it. */
export interface UiMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: 'complete' | 'streaming' | 'interrupted' | 'stopped';
  /**
   * The answer's pieces as they arrived (append-only while streaming). A renderer that takes
   * them one by one never has to read the whole growing `content`, which would copy it.
   */
  chunks?: readonly string[];
  /** The id the server stores the message under, once known; feedback names it. */
  serverId?: string | undefined;
  /** The visitor's rating of this answer. */
  feedback?: 'positive' | 'negative' | undefined;
}

/** Everything the interface renders, replaced (never mutated) on each change. */
export interface ChatState {
  messages: readonly UiMessage[];
  streaming: boolean;
  /** The last failure, shown until the next successful action. */
  error: InkeepChatError | null;
  /** What the composer holds. A send that fails before any answer puts its text back here. */
  draft: string;
  /** The last send failed before any answer: Retry sends the draft again. */
  sendFailed: boolean;
  /** When a rate-limited message will be sent again by itself (epoch ms). */
  resendAt: number | null;
  conversationId: string | null;
  /** The conversation has stored messages before the first one shown. */
  hasEarlier: boolean;
}

/** Owns one conversation: sends messages, streams answers, stops, retries. */
export interface ChatController {
  getState(): ChatState;
  subscribe(listener: (state: ChatState) => void): () => void;
  send(text: string): void;
  stop(): void;
  retry(): void;
  /** Asks again for the last answer. */
  regenerate(): void;
  newConversation(): void;
  /** Loads the conversation remembered from an earlier visit, if any. */
  restore(): Promise<void>;
  /** Replaces the current conversation with a stored one (its latest messages). */
  openConversation(id: string): Promise<void>;
  /** Puts the stored messages before the first one shown in front of it. */
  loadEarlier(): Promise<void>;
  listConversations(page?: number): Promise<ConversationPage>;
  deleteConversation(id: string): Promise<void>;
  /** Rates a stored answer (by its `id` here); a second rating, e.g. with details, replaces it. */
  rate(id: string, type: Feedback['type'], details?: string): Promise<void>;
  /** The visitor edited the composer. */
  setDraft(text: string): void;
  dispose(): void;
}

/** Where the current conversation's id is remembered across reloads. */
export interface ConversationMemory {
  get(): string | null;
  set(id: string | null): void;
}

export interface ChatControllerOptions {
  client: Pick<ChatClient, 'streamChat'> & Partial<ChatClient>;
  memory?: ConversationMemory;
  now?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  onError?: (error: InkeepChatError) => void;
  onMessage?: (message: UiMessage) => void;
  onFeedback?: (feedback: Feedback) => void;
}

const asChatError = (caught: unknown) =>
  caught instanceof InkeepChatError
    ? caught
    : new InkeepChatError('server_error', 'Something went wrong.', { cause: caught });

let nextId = 0;
const createId = () => `m${Date.now().toString(36)}${(nextId++).toString(36)}`;

/** Creates the controller that the element owns, one per widget. */
export function createChatController({
  client,
  memory = { get: () => null, set: () => {} },
  now = Date.now,
  setTimer = (callback, ms) => setTimeout(callback, ms),
  clearTimer = (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  onError,
  onMessage,
  onFeedback,
}: ChatControllerOptions): ChatController {
  let state: ChatState = {
    messages: [],
    streaming: false,
    error: null,
    draft: '',
    sendFailed: false,
    resendAt: null,
    conversationId: null,
    hasEarlier: false,
  };
  const listeners = new Set<(state: ChatState) => void>();
  let abort: AbortController | null = null;
  let resendTimer: unknown = null;
  let pendingText: string | null = null;
  let restored = false;

  function update(patch: Partial<ChatState>) {
    state = { ...state, ...patch };
    for (const listener of listeners) listener(state);
  }

  /** Applies `patch` to message `id`; a message no longer streaming lets go of its chunks. */
  function replaceMessage(id: string, patch: Partial<UiMessage>) {
    update({
      messages: state.messages.map((message) => {
        if (message.id !== id) return message;
        const next = { ...message, ...patch };
        if (next.status === 'streaming') return next;
        // Only a streaming answer's renderer reads the pieces; kept, a 200 KB answer's ~20,000
        // of them would stay in memory as long as the conversation is shown.
        const { chunks: _released, ...finished } = next;
        return finished;
      }),
    });
  }

  function cancelResend() {
    if (resendTimer !== null) clearTimer(resendTimer);
    resendTimer = null;
    pendingText = null;
  }

  function history(): ChatMessage[] {
    return state.messages
      .filter((message) => message.content !== '' && message.status !== 'interrupted')
      .map(({ role, content }) => ({ role, content }));
  }

  /** Streams an answer to `userText`; with `replaced`, a new one in place of that stored answer. */
  async function stream(userText: string, userId: string, replaced?: UiMessage) {
    const assistantId = createId();
    const controller = new AbortController();
    abort = controller;
    update({
      messages: [
        ...state.messages,
        { id: assistantId, role: 'assistant', content: '', status: 'streaming' },
      ],
      streaming: true,
      error: null,
      resendAt: null,
    });
    let content = '';
    const chunks: string[] = [];
    const answer = async () => {
      const messages = history();
      for await (const event of client.streamChat({
        messages: state.conversationId ? messages.slice(-1) : messages,
        conversationId: state.conversationId ?? undefined,
        // The server swaps its stored answer too, so a reload shows one question, one answer.
        ...(replaced && state.conversationId ? { regenerate: true } : {}),
        signal: controller.signal,
      })) {
        if (event.type === 'conversation-start') {
          update({ conversationId: event.conversationId });
          memory.set(event.conversationId);
          if (event.messageId) replaceMessage(assistantId, { serverId: event.messageId });
        } else if (event.type === 'text-delta') {
          content += event.delta;
          chunks.push(event.delta);
          replaceMessage(assistantId, { content, chunks });
        }
      }
    };
    try {
      try {
        await answer();
      } catch (caught) {
        // The server no longer has this conversation (it restarted without storage, or the
        // visitor got a new identity): start a new one from the messages shown here.
        const gone = caught instanceof InkeepChatError && caught.code === 'not_found';
        if (!gone || state.conversationId === null || content !== '') throw caught;
        update({ conversationId: null, hasEarlier: false });
        memory.set(null);
        await answer();
      }
      replaceMessage(assistantId, { content, status: 'complete' });
      const done = state.messages.find((message) => message.id === assistantId);
      if (done) onMessage?.(done);
    } catch (caught) {
      if (isAbortError(caught)) {
        if (content === '') dropMessages([assistantId]);
        else replaceMessage(assistantId, { status: 'stopped' });
        return;
      }
      fail(asChatError(caught), { userText, userId, assistantId, content, replaced });
    } finally {
      if (abort === controller) {
        abort = null;
        update({ streaming: false });
      }
    }
  }

  function dropMessages(ids: string[]) {
    update({ messages: state.messages.filter((message) => !ids.includes(message.id)) });
  }

  function fail(
    error: InkeepChatError,
    attempt: {
      userText: string;
      userId: string;
      assistantId: string;
      content: string;
      replaced?: UiMessage | undefined;
    },
  ) {
    onError?.(error);
    if (attempt.content === '' && attempt.replaced) {
      // Asking again failed before any answer: the question stays, the earlier answer comes
      // back marked, and Retry asks again (never a second copy of the question).
      const earlier: UiMessage = { ...attempt.replaced, status: 'interrupted' };
      update({
        messages: state.messages.map((message) =>
          message.id === attempt.assistantId ? earlier : message,
        ),
        error,
      });
      return;
    }
    if (attempt.content !== '') {
      // Part of an answer arrived: keep it, marked, and let the visitor retry.
      replaceMessage(attempt.assistantId, { status: 'interrupted' });
      update({ error });
      return;
    }
    // Nothing arrived: take the question back out of the list so it is not lost or duplicated.
    dropMessages([attempt.assistantId, attempt.userId]);
    if (error.code === 'rate_limited') {
      const seconds = error.retryAfter ?? 5;
      pendingText = attempt.userText;
      update({ error, resendAt: now() + seconds * 1000 });
      resendTimer = setTimer(() => {
        resendTimer = null;
        const text = pendingText;
        pendingText = null;
        if (text !== null) send(text);
      }, seconds * 1000);
      return;
    }
    update({ error, draft: handBack(attempt.userText), sendFailed: true });
  }

  /** The composer's text with `text` given back in front: what was typed meanwhile stays. */
  function handBack(text: string): string {
    return state.draft.trim() === '' ? text : `${text}\n${state.draft}`;
  }

  function send(text: string) {
    const trimmed = text.trim();
    if (trimmed === '' || state.streaming) return;
    cancelResend();
    const userId = createId();
    update({
      messages: [
        ...state.messages,
        { id: userId, role: 'user', content: trimmed, status: 'complete' },
      ],
      draft: state.draft.trim() === trimmed ? '' : state.draft,
      sendFailed: false,
    });
    void stream(trimmed, userId);
  }

  /** Replaces the last answer with a new one to the same question. */
  function askAgain() {
    const last = state.messages.at(-1);
    const question = state.messages.findLast((message) => message.role === 'user');
    if (last?.role !== 'assistant' || !question) return;
    dropMessages([last.id]);
    void stream(question.content, question.id, last);
  }

  function requireClient<K extends keyof ChatClient>(name: K): ChatClient[K] {
    const method = client[name];
    if (!method) throw new InkeepChatError('config', `The chat client cannot ${name}.`);
    return method as ChatClient[K];
  }

  const shown = (conversation: Conversation): UiMessage[] =>
    conversation.messages
      .filter((message) => message.role !== 'system')
      .map((message) => ({
        id: message.id,
        serverId: message.id,
        role: message.role === 'user' ? 'user' : 'assistant',
        content: message.content,
        status: 'complete',
      }));

  async function openConversation(id: string) {
    abort?.abort();
    cancelResend();
    showConversation(await requireClient('getConversation')(id));
  }

  function showConversation(conversation: Conversation) {
    update({
      conversationId: conversation.id,
      error: null,
      messages: shown(conversation),
      hasEarlier: conversation.hasMore === true,
    });
    memory.set(conversation.id);
  }

  let loadingEarlier: Promise<void> | null = null;
  function loadEarlier(): Promise<void> {
    const id = state.conversationId;
    const first = state.messages[0];
    if (!state.hasEarlier || id === null || !first) return Promise.resolve();
    loadingEarlier ??= requireClient('getConversation')(id, { before: first.id })
      .then(
        (page) => {
          // Another conversation was opened meanwhile: this page is not its.
          if (state.conversationId !== id || state.messages[0] !== first) return;
          update({
            messages: [...shown(page), ...state.messages],
            hasEarlier: page.hasMore === true,
            error: null,
          });
        },
        (error: unknown) => {
          if (!isAbortError(error) && error instanceof InkeepChatError) update({ error });
        },
      )
      .finally(() => {
        loadingEarlier = null;
      });
    return loadingEarlier;
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send,
    stop() {
      abort?.abort();
      if (pendingText !== null) {
        update({ draft: handBack(pendingText), resendAt: null, error: null });
        cancelResend();
      }
    },
    retry() {
      if (state.streaming) return;
      if (pendingText !== null) {
        const text = pendingText;
        cancelResend();
        send(text);
      } else if (state.sendFailed) {
        send(state.draft);
      } else if (state.messages.at(-1)?.status === 'interrupted') {
        askAgain();
      } else {
        update({ error: null });
      }
    },
    regenerate() {
      if (!state.streaming) askAgain();
    },
    newConversation() {
      abort?.abort();
      cancelResend();
      memory.set(null);
      update({
        messages: [],
        error: null,
        resendAt: null,
        conversationId: null,
        sendFailed: false,
        hasEarlier: false,
      });
    },
    async restore() {
      const id = memory.get();
      if (restored || !id || state.messages.length > 0) return;
      restored = true;
      try {
        const conversation = await requireClient('getConversation')(id);
        // A message sent while it loaded went on in a conversation of its own: it stays.
        if (state.messages.length === 0) showConversation(conversation);
      } catch (error) {
        // A conversation that is gone (or belongs to an older identity) is simply forgotten.
        if (error instanceof InkeepChatError && error.code === 'not_found') memory.set(null);
        else if (!isAbortError(error) && error instanceof InkeepChatError) update({ error });
      }
    },
    openConversation,
    loadEarlier,
    listConversations: (page = 1) => requireClient('listConversations')({ page, limit: 20 }),
    async deleteConversation(id) {
      await requireClient('deleteConversation')(id);
      if (state.conversationId === id) {
        memory.set(null);
        update({ messages: [], conversationId: null, hasEarlier: false });
      }
    },
    async rate(id, type, details) {
      const message = state.messages.find((candidate) => candidate.id === id);
      if (!message?.serverId || !state.conversationId) return;
      const feedback: Feedback = {
        conversationId: state.conversationId,
        messageId: message.serverId,
        type,
        ...(details ? { details } : {}),
      };
      try {
        await requireClient('sendFeedback')(feedback);
        replaceMessage(id, { feedback: type });
        onFeedback?.(feedback);
      } catch (caught) {
        const error = asChatError(caught);
        onError?.(error);
        update({ error });
      }
    },
    setDraft(text) {
      if (text !== state.draft) update({ draft: text });
    },
    dispose() {
      abort?.abort();
      cancelResend();
      listeners.clear();
    },
  };
}
