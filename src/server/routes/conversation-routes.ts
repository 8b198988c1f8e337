import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { conversationIdSchema } from '../../contract/conversation-id.ts';
import { authenticate, ownerOf } from '../http/authenticate.ts';
import { ProblemError } from '../http/problem-error.ts';
import { enforceRateLimit } from '../http/set-rate-limit-headers.ts';
import { createValidationHook } from '../http/validation-hook.ts';
import { clientKey } from '../limits/client-key.ts';
import { getClientIp } from '../limits/get-client-ip.ts';
import type { ServerContext } from '../server-context.ts';
import type {
  ConversationCursor,
  ConversationOwner,
  ConversationSummary,
} from '../storage/stores.ts';
import {
  appIdHeader,
  problem,
  rateLimitHeaders,
  retryAfterHeader,
  unavailable,
  visitorSecurity,
} from './route-docs.ts';

/** Conversations a list may skip with `page`; deeper ones are reached with `before`. */
export const maxListOffset = 1000;
/** Messages a conversation read returns by default, and at most. */
export const messagePageLimits = { default: 50, max: 200 };

/** A positive integer query parameter (up to `max` if given); empty means the default. */
export const positiveInteger = (fallback: number, max?: number) => {
  const error = max ? `must be an integer from 1 to ${max}` : 'must be a positive integer';
  const number = z.number({ error }).int({ error }).min(1, { error });
  // Digits only: `1e1`, ` 5` or `0x10` are not written integers, though Number() reads them.
  return z.preprocess(
    (value) =>
      value === ''
        ? undefined
        : typeof value === 'string' && /^\d+$/.test(value)
          ? Number(value)
          : value,
    (max ? number.max(max, { error }) : number).default(fallback),
  );
};

const cursorPattern = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z),(.{1,200})$/;

/** Parses a list cursor, `<updatedAt ISO 8601>,<id>` (as `pagination.next` hands it out). */
export function parseCursor(text: string): ConversationCursor | undefined {
  const [, updatedAt, id] = cursorPattern.exec(text) ?? [];
  return updatedAt && id && !Number.isNaN(Date.parse(updatedAt)) ? { updatedAt, id } : undefined;
}

const listQuerySchema = z
  .object({
    page: positiveInteger(1).meta({
      description: 'Counted from the start, or from before when given',
    }),
    limit: positiveInteger(20, 200),
    before: z
      .string()
      .refine((text) => parseCursor(text) !== undefined, {
        error: 'must be a pagination.next value',
      })
      .optional()
      .meta({
        description:
          'A cursor, as pagination.next hands it out (`<updatedAt>,<id>`): only conversations after that one in this order',
      }),
  })
  .superRefine(({ page, limit }, context) => {
    // A page may skip at most maxListOffset conversations; further ones are reached by cursor.
    const max = Math.floor(maxListOffset / limit) + 1;
    if (page > max) {
      context.addIssue({
        code: 'custom',
        path: ['page'],
        message: `must be an integer from 1 to ${max} (further: before=pagination.next)`,
      });
    }
  });

const conversationSummarySchema = z
  .object({ id: z.string(), title: z.string(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'ConversationSummary' });

const textPartSchema = z.object({ type: z.literal('text'), text: z.string() });
const conversationSchema = conversationSummarySchema
  .extend({
    messages: z.array(
      z.object({
        id: z.string(),
        role: z.string(),
        content: z.string(),
        parts: z.array(textPartSchema).meta({ description: 'content in the AI SDK message shape' }),
        createdAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'Conversation' });

const paginationSchema = z
  .object({
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
    pages: z.number().int(),
    next: z
      .string()
      .nullable()
      .meta({ description: 'before for the next page; null when none follows' }),
  })
  .meta({ id: 'Pagination' });

const idParams = z.object({ id: conversationIdSchema });
// A conversation id of the wrong shape names no conversation: 404, like an unknown one.
const conversationHook = createValidationHook({
  notFound: { fields: ['id'], detail: 'Conversation not found' },
});
const tooMany = {
  ...problem('rate_limit_exceeded (Retry-After)'),
  headers: { ...retryAfterHeader, ...rateLimitHeaders },
};

const listRoute = createRoute({
  method: 'get',
  path: '/run/v1/conversations',
  summary: "The visitor's conversations, most recently updated first",
  description:
    'One range of an index per call; total comes from a stored counter. A page may skip at most 1000 conversations (page × limit − limit ≤ 1000); deeper ones are reached with before = pagination.next. With an app credential every read (list, get, delete) counts against the client IP budget INKEEP_IP_READ_RATE_LIMIT (IPv6 by /64); API keys count against their own.',
  security: visitorSecurity,
  parameters: [appIdHeader(false)],
  request: { query: listQuerySchema },
  responses: {
    200: {
      description: 'A page',
      headers: rateLimitHeaders,
      content: {
        'application/json': {
          schema: z.object({
            data: z.array(conversationSummarySchema),
            pagination: paginationSchema,
          }),
        },
      },
    },
    400: problem('bad_request: detail names the field (page, limit or before)'),
    401: problem('unauthorized'),
    403: problem('origin_not_allowed'),
    429: tooMany,
    503: unavailable,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/run/v1/conversations/{id}',
  summary: 'One conversation with a page of its messages: the latest, or those before one',
  description:
    'Messages come oldest first: the latest `limit` of them, or with before the latest `limit` older than that message. pagination.hasMore says whether earlier messages exist; pagination.before is then the id to pass as before for them. Counts against the client read budget like every read.',
  security: visitorSecurity,
  parameters: [appIdHeader(false)],
  request: {
    params: idParams,
    query: z.object({
      limit: positiveInteger(messagePageLimits.default, messagePageLimits.max),
      before: z
        .string()
        .min(1, { error: 'must be a message id' })
        .optional()
        .meta({ description: 'A message id of this conversation: only messages older than it' }),
    }),
  },
  responses: {
    200: {
      description: 'The conversation and a page of its messages',
      headers: rateLimitHeaders,
      content: {
        'application/json': {
          schema: z.object({
            data: conversationSchema,
            pagination: z.object({
              limit: z.number().int(),
              hasMore: z.boolean(),
              before: z
                .string()
                .nullable()
                .meta({ description: 'before for the earlier page; null when none' }),
            }),
          }),
        },
      },
    },
    400: problem(
      'bad_request: limit out of range, or before empty or not a message of this conversation (detail names the field)',
    ),
    401: problem('unauthorized'),
    404: problem('not_found: unknown, deleted, or not yours'),
    429: tooMany,
    503: unavailable,
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/run/v1/conversations/{id}',
  summary: 'Delete a conversation',
  security: visitorSecurity,
  parameters: [appIdHeader(false)],
  request: { params: idParams },
  responses: {
    204: { description: 'Deleted', headers: rateLimitHeaders },
    401: problem('unauthorized'),
    404: problem('not_found'),
    429: tooMany,
    503: unavailable,
  },
});

/** The visitor whose conversations a request reads, set once it is authenticated. */
type ReadEnv = { Variables: { owner: ConversationOwner } };

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
export function createConversationRoutes(context: ServerContext): OpenAPIHono<ReadEnv> {
  const routes = new OpenAPIHono<ReadEnv>({ defaultHook: conversationHook });

  // Before the query and id are validated: every read, a refused one too, is authenticated
  // and counted.
  const authenticateRead: MiddlewareHandler<ReadEnv> = async (c, next) => {
    const principal = await authenticate(c, context, 'read');
    if (principal.kind === 'anonymous') {
      const client = clientKey(getClientIp(c, context.settings.trustProxy));
      enforceRateLimit(c, await context.budgets.clientReads.consume(client));
    }
    c.set('owner', ownerOf(principal));
    await next();
  };
  // `/*` matches the list's own path too: one pattern, so a read is counted once.
  routes.use('/run/v1/conversations/*', authenticateRead);

  routes.openapi(listRoute, async (c) => {
    const owner = c.get('owner');
    const { page, limit, before: cursor } = c.req.valid('query');
    const before = cursor === undefined ? undefined : parseCursor(cursor);
    const { items, total, hasMore } = await context.conversations.list(owner, page, limit, before);
    const last = items.at(-1);
    return c.json(
      {
        data: items.map(summary),
        pagination: {
          page,
          limit,
          total,
          pages: Math.ceil(total / limit),
          next: hasMore && last ? `${last.updatedAt},${last.id}` : null,
        },
      },
      200,
    );
  });

  routes.openapi(getRoute, async (c) => {
    const owner = c.get('owner');
    const { limit, before } = c.req.valid('query');
    const conversation = await context.conversations.get(c.req.valid('param').id, owner, {
      limit,
      before,
    });
    if (!conversation) throw new ProblemError(404, 'not_found', 'Conversation not found');
    const { messages, hasMore } = conversation;
    return c.json(
      {
        data: {
          ...summary(conversation),
          messages: messages.map(({ id, role, content, createdAt }) => ({
            id,
            role,
            content,
            parts: [{ type: 'text' as const, text: content }],
            createdAt,
          })),
        },
        pagination: { limit, hasMore, before: hasMore ? (messages[0]?.id ?? null) : null },
      },
      200,
    );
  });

  routes.openapi(deleteRoute, async (c) => {
    const owner = c.get('owner');
    const deleted = await context.conversations.delete(c.req.valid('param').id, owner);
    if (!deleted) throw new ProblemError(404, 'not_found', 'Conversation not found');
    return c.body(null, 204);
  });

  return routes;
}
