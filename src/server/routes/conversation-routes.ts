import type { Context } from 'hono';
import { Hono } from 'hono';
import { authenticate, ownerOf } from '../http/authenticate.ts';
import { ProblemError } from '../http/problem-error.ts';
import { enforceRateLimit } from '../http/set-rate-limit-headers.ts';
import { clientKey } from '../limits/client-key.ts';
import { getClientIp } from '../limits/get-client-ip.ts';
import type { ServerContext } from '../server-context.ts';
import type { ConversationCursor, ConversationSummary } from '../storage/stores.ts';

/** Conversations a list may skip with `page`; deeper ones are reached with `before`. */
export const maxListOffset = 1000;
/** Messages a conversation read returns by default, and at most. */
export const messagePageLimits = { default: 50, max: 200 };

function positiveInteger(
  text: string | undefined,
  field: string,
  fallback: number,
  max: number,
  hint = '',
) {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max) {
    throw new ProblemError(
      400,
      'bad_request',
      `${field} must be an integer from 1 to ${max}${hint}`,
    );
  }
  return value;
}

const cursorPattern = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z),(.{1,200})$/;

/** Parses a list cursor, `<updatedAt ISO 8601>,<id>` (as `pagination.next` hands it out). */
function parseCursor(text: string | undefined): ConversationCursor | undefined {
  if (text === undefined) return undefined;
  const [, updatedAt, id] = cursorPattern.exec(text) ?? [];
  if (!updatedAt || !id || Number.isNaN(Date.parse(updatedAt))) {
    throw new ProblemError(400, 'bad_request', 'before must be a pagination.next value');
  }
  return { updatedAt, id };
}

const summary = ({ id, title, createdAt, updatedAt }: ConversationSummary) => ({
  id,
  title,
  createdAt,
  updatedAt,
});

/**
 * `GET /run/v1/conversations`, `GET|DELETE /run/v1/conversations/{id}`, scoped to the visitor.
 * Every read by an app credential counts against its client's read budget
 * (`INKEEP_IP_READ_RATE_LIMIT`); API keys count against their own budget in `authenticate`.
 */
export function createConversationRoutes(context: ServerContext): Hono {
  const routes = new Hono();

  const authenticateRead = async (c: Context) => {
    const principal = await authenticate(c, context, 'read');
    if (principal.kind === 'anonymous') {
      const client = clientKey(getClientIp(c, context.settings.trustProxy));
      enforceRateLimit(c, await context.budgets.clientReads.consume(client));
    }
    return ownerOf(principal);
  };

  routes.get('/run/v1/conversations', async (c) => {
    const owner = await authenticateRead(c);
    const limit = positiveInteger(c.req.query('limit'), 'limit', 20, 200);
    const page = positiveInteger(
      c.req.query('page'),
      'page',
      1,
      Math.floor(maxListOffset / limit) + 1,
      ' (further: before=pagination.next)',
    );
    const before = parseCursor(c.req.query('before'));
    const { items, total, hasMore } = await context.conversations.list(owner, page, limit, before);
    const last = items.at(-1);
    return c.json({
      data: items.map(summary),
      pagination: {
        page,
        limit,
        total,
        pages: Math.ceil(total / limit),
        next: hasMore && last ? `${last.updatedAt},${last.id}` : null,
      },
    });
  });

  routes.get('/run/v1/conversations/:id', async (c) => {
    const owner = await authenticateRead(c);
    const limit = positiveInteger(
      c.req.query('limit'),
      'limit',
      messagePageLimits.default,
      messagePageLimits.max,
    );
    const before = c.req.query('before');
    if (before === '') throw new ProblemError(400, 'bad_request', 'before must be a message id');
    const conversation = await context.conversations.get(c.req.param('id'), owner, {
      limit,
      before,
    });
    if (!conversation) throw new ProblemError(404, 'not_found', 'Conversation not found');
    const { messages, hasMore } = conversation;
    return c.json({
      data: {
        ...summary(conversation),
        messages: messages.map(({ id, role, content, createdAt }) => ({
          id,
          role,
          content,
          parts: [{ type: 'text', text: content }],
          createdAt,
        })),
      },
      pagination: { limit, hasMore, before: hasMore ? (messages[0]?.id ?? null) : null },
    });
  });

  routes.delete('/run/v1/conversations/:id', async (c) => {
    const owner = await authenticateRead(c);
    const deleted = await context.conversations.delete(c.req.param('id'), owner);
    if (!deleted) throw new ProblemError(404, 'not_found', 'Conversation not found');
    return c.body(null, 204);
  });

  return routes;
}
