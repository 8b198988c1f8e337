import { conversationIdSchema } from '../../contract/conversation-id.ts';
import { ProblemError } from '../http/problem-error.ts';
import type { ChatMessage } from './responder.ts';
import type { ChatTurnRequest } from './run-chat-turn.ts';

/** A validated chat-completions request body: a chat turn, streamed or not. */
export interface ChatRequest extends ChatTurnRequest {
  stream: boolean;
}

/** The caps that keep one request cheap, and what the caller may say. */
export interface ChatRequestLimits {
  maxMessages: number;
  maxMessageLength: number;
  /**
   * Whether `system`/`developer` messages are accepted: true for API-key callers with the
   * `chat` scope; app-credential callers (visitors) get 400, since the agent owns its
   * instructions.
   */
  allowInstructions?: boolean;
}

/** What a `conversationId` must look like, as a 400 says it. */
export const conversationIdRule =
  'conversationId must be "conv_" and 16 to 123 URL-safe characters (A-Z, a-z, 0-9, _ and -)';

/** The 400 for a visitor's `system`/`developer` message: the agent owns its instructions. */
export function instructionsRefused(field: string, role: string): ProblemError {
  return badRequest(
    `${field}.role "${role}" is not allowed: the agent's instructions are set on the server; send "user" or "assistant"`,
  );
}

const roles = new Set(['system', 'user', 'assistant']);
const badRequest = (detail: string) => new ProblemError(400, 'bad_request', detail);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function contentText(content: unknown, field: string): string {
  if (typeof content === 'string') return content;
  // OpenAI clients may send content as parts; only text parts mean anything here.
  if (Array.isArray(content)) {
    return content
      .map((part, index) => {
        if (!isRecord(part) || part.type !== 'text' || typeof part.text !== 'string') {
          throw badRequest(`${field}[${index}] must be a text part`);
        }
        return part.text;
      })
      .join('');
  }
  throw badRequest(`${field} must be a string`);
}

/** Validates a chat-completions body; throws 400 `bad_request` naming the field. */
export function parseChatRequest(body: unknown, limits: ChatRequestLimits): ChatRequest {
  if (!isRecord(body)) throw badRequest('Request body must be a JSON object');
  const { messages, stream = false, conversationId, regenerate = false } = body;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw badRequest('messages must be a non-empty array');
  }
  if (messages.length > limits.maxMessages) {
    throw badRequest(`messages must hold at most ${limits.maxMessages} messages`);
  }
  if (typeof stream !== 'boolean') throw badRequest('stream must be a boolean');
  if (
    conversationId !== undefined &&
    conversationId !== null &&
    conversationId !== '' &&
    !conversationIdSchema.safeParse(conversationId).success
  ) {
    throw badRequest(conversationIdRule);
  }
  if (typeof regenerate !== 'boolean') throw badRequest('regenerate must be a boolean');
  if (regenerate && !conversationId) {
    throw badRequest('regenerate needs a conversationId: only a stored answer can be replaced');
  }
  const parsed = messages.map((message, index): ChatMessage => {
    const field = `messages[${index}]`;
    if (!isRecord(message)) throw badRequest(`${field} must be an object`);
    if (
      limits.allowInstructions === false &&
      (message.role === 'system' || message.role === 'developer')
    ) {
      throw instructionsRefused(field, message.role);
    }
    const role = message.role === 'developer' ? 'system' : message.role;
    if (typeof role !== 'string' || !roles.has(role)) {
      throw badRequest(`${field}.role must be "user", "assistant" or "system"`);
    }
    const content = contentText(message.content, `${field}.content`);
    if (content.length > limits.maxMessageLength) {
      throw badRequest(`${field}.content is longer than ${limits.maxMessageLength} characters`);
    }
    return { role: role as ChatMessage['role'], content };
  });
  const last = parsed.at(-1);
  if (last?.role !== 'user' || !last.content.trim()) {
    throw badRequest('the last message must be a non-empty user message');
  }
  return {
    messages: parsed,
    stream,
    conversationId: (conversationId as string | null | undefined) || undefined,
    regenerate,
  };
}
