// The npm entry: named exports only, no side effects (importing it defines nothing).

export type {
  ChatClient,
  ChatMessage,
  ChatStreamEvent,
  Conversation,
  ConversationSummary,
} from './chat/create-chat-client.ts';
export { createChatClient } from './chat/create-chat-client.ts';
export { InkeepChatElement } from './element.ts';
export { InkeepChatError, type InkeepChatErrorCode } from './errors.ts';
export { InkeepChatEvent, type InkeepChatEventMap } from './events.ts';
export type { Session, SessionOptions, SessionState } from './session/create-session.ts';
export { createSession } from './session/create-session.ts';
export type { CachedSession, SessionCache } from './session/create-session-cache.ts';
export { createSessionCache } from './session/create-session-cache.ts';
export type { ChatStrings } from './ui/strings.ts';
