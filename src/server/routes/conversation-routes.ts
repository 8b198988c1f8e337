import { Hono } from 'hono';
import { authenticate, ownerOf } from '../http/authenticate.ts';
import { ProblemError } from '../http/problem-error.ts';
import type { ServerContext } from '../server-context.ts';
import type { ConversationSummary } from '../storage/stores.ts';

function positiveInteger(text: string | undefined, field: string, fallback: number, max: number) {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max) {
    throw new ProblemError(400, 'bad_request', `${field} must be an integer from 1 to ${max}`);
  }
  return value;
}

const summary = ({ id, title, createdAt, updatedAt }: ConversationSummary) => ({
  id,
  title,
  createdAt,
  updatedAt,
});

/** `GET /run/v1/conversations`, `GET|DELETE /run/v1/conversations/{id}`, scoped to the visitor. */
export function createConversationRoutes(context: ServerContext): Hono {
  const routes = new Hono();

  routes.get('/run/v1/conversations', async (c) => {
    const owner = ownerOf(await authenticate(c, context, 'read'));
    const page = positiveInteger(c.req.query('page'), 'page', 1, 1_000_000);
    const limit = positiveInteger(c.req.query('limit'), 'limit', 20, 200);
    const { items, total } = await context.conversations.list(owner, page, limit);
    return c.json({
      data: items.map(summary),
      pagination: { page, limit, total, pages: Math.ceil(total / limit) },
    });
  });

  routes.get('/run/v1/conversations/:id', async (c) => {
    const owner = ownerOf(await authenticate(c, context, 'read'));
    const conversation = await context.conversations.get(c.req.param('id'), owner);
    if (!conversation) throw new ProblemError(404, 'not_found', 'Conversation not found');
    return c.json({
      data: {
        ...summary(conversation),
        messages: conversation.messages.map(({ id, role, content, createdAt }) => ({
          id,
          role,
          content,
          parts: [{ type: 'text', text: content }],
          createdAt,
        })),
      },
    });
  });

  routes.delete('/run/v1/conversations/:id', async (c) => {
    const owner = ownerOf(await authenticate(c, context, 'read'));
    const deleted = await context.conversations.delete(c.req.param('id'), owner);
    if (!deleted) throw new ProblemError(404, 'not_found', 'Conversation not found');
    return c.body(null, 204);
  });

  return routes;
}
