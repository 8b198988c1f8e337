import { z } from 'zod';
import { conversationIdSchema } from '../../contract/conversation-id.ts';
import { ProblemError } from '../http/problem-error.ts';
import type { ChatMessage } from './responder.ts';

/** The caps that keep one request cheap. */
export interface ChatRequestLimits {
  maxMessages: number;
  maxMessageLength: number;
}

// A union on `type`, so that a part of another type is refused as a whole: `content[1] must be…`.
const textPartSchema = z.discriminatedUnion(
  'type',
  [z.object({ type: z.literal('text'), text: z.string({ error: 'must be a string' }) })],
  { error: 'must be a text part' },
);
// OpenAI clients may send content as parts; only text parts mean anything here.
const contentSchema = z.union([z.string(), z.array(textPartSchema)], {
  error: 'must be a string',
});
type Content = z.infer<typeof contentSchema>;

/** The text of a message's content: the string, or its text parts joined. */
export function contentText(content: Content): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

/**
 * The body of `POST /run/v1/chat/completions` under the server's limits. `developer` is taken
 * as `system`; who may send those two roles is the route's business (see
 * {@link refuseInstructions}).
 */
export function chatRequestSchema({ maxMessages, maxMessageLength }: ChatRequestLimits) {
  const messageSchema = z
    .object(
      {
        role: z.enum(['user', 'assistant', 'system', 'developer'], {
          error: 'must be "user", "assistant" or "system"',
        }),
        content: contentSchema,
      },
      { error: 'must be an object' },
    )
    .superRefine((message, context) => {
      if (contentText(message.content).length > maxMessageLength) {
        context.addIssue({
          code: 'custom',
          path: ['content'],
          message: `is longer than ${maxMessageLength} characters`,
        });
      }
    })
    .meta({ id: 'ChatMessage' });
  return z
    .object(
      {
        messages: z
          .array(messageSchema, { error: 'must be a non-empty array' })
          .min(1, { error: 'must be a non-empty array' })
          .max(maxMessages, { error: `must hold at most ${maxMessages} messages` }),
        stream: z.boolean({ error: 'must be a boolean' }).default(false),
        // Blank or null means none, as for clients that always send the field.
        conversationId: z
          .preprocess((value) => (value === '' ? undefined : value), conversationIdSchema.nullish())
          .meta({
            description: 'Continue this stored conversation (404 when unknown or not yours)',
          }),
        regenerate: z.boolean({ error: 'must be a boolean' }).default(false).meta({
          description:
            "Only with conversationId: answer the conversation's last question again. The last message must equal the stored last user message, which must be the last turn or be followed only by its answer; that answer is replaced and no user turn is added. Otherwise 400 bad_request naming regenerate.",
        }),
        model: z.unknown().optional().meta({ description: "ignored: the app's agent answers" }),
      },
      { error: 'Request body must be a JSON object' },
    )
    .superRefine((request, context) => {
      if (request.regenerate && !request.conversationId) {
        context.addIssue({
          code: 'custom',
          path: ['regenerate'],
          message: 'needs a conversationId: only a stored answer can be replaced',
        });
      }
      const last = request.messages.at(-1);
      if (last?.role !== 'user' || !contentText(last.content).trim()) {
        context.addIssue({
          code: 'custom',
          path: [],
          message: 'the last message must be a non-empty user message',
        });
      }
    })
    .meta({ id: 'ChatRequest' });
}

/** A chat-completions body as the schema hands it over. */
export type ChatRequestBody = z.infer<ReturnType<typeof chatRequestSchema>>;

/** A chat request ready to answer: roles as responders know them, content as text. */
export interface ChatRequest {
  messages: ChatMessage[];
  stream: boolean;
  conversationId: string | undefined;
  /**
   * Answer the stored conversation's last question again: its last answer (if any) is replaced,
   * no user turn is added. Only with a `conversationId`.
   */
  regenerate: boolean;
}

/**
 * Refuses `system`/`developer` messages from app-credential callers (visitors): the agent owns
 * its instructions. 400 `bad_request` naming the first such message.
 */
export function refuseInstructions(body: ChatRequestBody): void {
  const index = body.messages.findIndex(
    (message) => message.role === 'system' || message.role === 'developer',
  );
  const message = body.messages[index];
  if (message) throw instructionsRefused(`messages[${index}]`, message.role);
}

/** The 400 for a visitor's `system`/`developer` message: the agent owns its instructions. */
export function instructionsRefused(field: string, role: string): ProblemError {
  return new ProblemError(
    400,
    'bad_request',
    `${field}.role "${role}" is not allowed: the agent's instructions are set on the server; send "user" or "assistant"`,
  );
}

/** The request a validated body asks for. */
export function toChatRequest(body: ChatRequestBody): ChatRequest {
  return {
    messages: body.messages.map(({ role, content }) => ({
      role: role === 'developer' ? 'system' : role,
      content: contentText(content),
    })),
    stream: body.stream,
    conversationId: body.conversationId ?? undefined,
    regenerate: body.regenerate,
  };
}
