import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ProblemError } from '../http/problem-error.ts';
import type { Database } from './database.ts';
import { newMessageId } from './new-message-id.ts';
import type {
  ConversationOwner,
  ConversationStore,
  ConversationSummary,
  NewMessage,
  QuotaName,
  StorageQuotas,
  StoredMessage,
} from './stores.ts';

/** What each quota's refusal says. */
const quotaDetails: Record<QuotaName, string> = {
  visitorConversations:
    'You have stored the most conversations allowed: delete some to start a new one',
  visitorBytes:
    'You have stored the most conversation text allowed: delete some conversations to continue',
  appConversations: "This app's conversation storage is full",
  appBytes: "This app's conversation storage is full",
};

const byteLength = (messages: NewMessage[]) =>
  messages.reduce((total, message) => total + Buffer.byteLength(message.content), 0);

interface UsageRow {
  allowed: number;
  written: number;
  visitor_conversations: string | number;
  visitor_bytes: string | number;
  app_conversations: string | number;
  app_bytes: string | number;
}

const summary = (row: {
  id: string;
  title: string;
  created_at: Date;
  updated_at: Date;
  message_count: number;
}): ConversationSummary => ({
  id: row.id,
  title: row.title,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  messageCount: row.message_count,
});

/**
 * Conversations in SQL: messages are rows, and each write (a conversation's start, or a turn
 * appended to it) is one statement that checks the quotas, inserts the message rows and moves
 * the running totals together, so the totals always match the data.
 *
 * Quotas are checked against the totals as the statement reads them: writes that race each
 * other may pass a limit by the few turns that were in flight together, never more.
 */
export function createSqlConversationStore({
  database,
  quotas,
  now,
}: {
  database: Database;
  quotas: StorageQuotas;
  now: () => number;
}): ConversationStore {
  const { db, table } = database;

  const write = async (
    mode: 'start' | 'append',
    id: string,
    owner: ConversationOwner,
    title: string,
    messages: NewMessage[],
    checkQuota: boolean,
  ): Promise<{ written: boolean; createdAt: Date }> => {
    const time = new Date(now());
    const bytes = byteLength(messages);
    const count = messages.length;
    const newConversations = mode === 'start' ? 1 : 0;
    // A start under a taken id inserts nothing (and so counts and stores nothing): the caller
    // learns it from `written`. Racing starts wait on the key; one wins.
    const conversation =
      mode === 'start'
        ? sql`insert into ${table('conversations')}
              (id, app_id, sub, title, created_at, updated_at, message_count, bytes)
            select ${id}, ${owner.appId}, ${owner.sub}, ${title}, ${time}::timestamptz,
              ${time}::timestamptz, ${count}::int, ${bytes}::bigint from allowed
            on conflict (id) do nothing
            returning id, message_count`
        : sql`update ${table('conversations')}
            set updated_at = ${time}::timestamptz, message_count = message_count + ${count}::int,
              bytes = bytes + ${bytes}::bigint
            where id = ${id} and app_id = ${owner.appId} and sub = ${owner.sub}
              and exists (select 1 from allowed)
            returning id, message_count`;
    const result = await sql<UsageRow>`
      with usage as (
        select
          coalesce(max(conversations) filter (where owner = ${owner.sub}), 0) as visitor_conversations,
          coalesce(max(bytes) filter (where owner = ${owner.sub}), 0) as visitor_bytes,
          coalesce(max(conversations) filter (where owner = ''), 0) as app_conversations,
          coalesce(max(bytes) filter (where owner = ''), 0) as app_bytes
        from ${table('storage_usage')}
        where app_id = ${owner.appId} and owner in (${owner.sub}, '')
      ),
      allowed as (
        select 1 from usage where not ${checkQuota}::boolean or (
          (${quotas.visitorConversations}::bigint = 0
            or visitor_conversations + ${newConversations}::bigint <= ${quotas.visitorConversations}::bigint)
          and (${quotas.visitorBytes}::bigint = 0
            or visitor_bytes + ${bytes}::bigint <= ${quotas.visitorBytes}::bigint)
          and (${quotas.appConversations}::bigint = 0
            or app_conversations + ${newConversations}::bigint <= ${quotas.appConversations}::bigint)
          and (${quotas.appBytes}::bigint = 0
            or app_bytes + ${bytes}::bigint <= ${quotas.appBytes}::bigint))
      ),
      conversation as (${conversation}),
      counted as (
        insert into ${table('storage_usage')} (app_id, owner, conversations, bytes)
        select ${owner.appId}, owners.owner, ${newConversations}::bigint, ${bytes}::bigint
        from conversation, (values (${owner.sub}::text), (''::text)) as owners(owner)
        on conflict (app_id, owner) do update set
          conversations = ${table('storage_usage')}.conversations + excluded.conversations,
          bytes = ${table('storage_usage')}.bytes + excluded.bytes
      ),
      inserted as (
        insert into ${table('messages')}
          (id, conversation_id, seq, role, content, created_at, time_to_first_token_ms)
        select added.id, conversation.id,
          conversation.message_count - ${count}::int + added.position::int,
          added.role, added.content, ${time}::timestamptz, added.time_to_first_token_ms
        from conversation,
          unnest(${messages.map((message) => message.id ?? newMessageId())}::text[],
            ${messages.map((message) => message.role)}::text[],
            ${messages.map((message) => message.content)}::text[],
            ${messages.map((message) => message.timeToFirstTokenMs ?? null)}::int[])
            with ordinality as added(id, role, content, time_to_first_token_ms, position)
      )
      select (select count(*) from allowed)::int as allowed,
        (select count(*) from conversation)::int as written, usage.*
      from usage`.execute(db);
    const row = result.rows[0];
    if (row && row.allowed === 0) {
      const over = (used: string | number, add: number, limit: number) =>
        limit > 0 && Number(used) + add > limit;
      const quota: QuotaName = over(
        row.visitor_conversations,
        newConversations,
        quotas.visitorConversations,
      )
        ? 'visitorConversations'
        : over(row.visitor_bytes, bytes, quotas.visitorBytes)
          ? 'visitorBytes'
          : over(row.app_conversations, newConversations, quotas.appConversations)
            ? 'appConversations'
            : 'appBytes';
      throw new ProblemError(429, 'quota_exceeded', quotaDetails[quota]);
    }
    return { written: (row?.written ?? 0) > 0, createdAt: time };
  };

  return {
    async start(owner, title, messages) {
      // The server's own form (`serverConversationId`): 32 lowercase hex digits.
      const id = `conv_${randomUUID().replace(/-/g, '')}`;
      const { createdAt } = await write('start', id, owner, title, messages, true);
      const time = createdAt.toISOString();
      return { id, title, createdAt: time, updatedAt: time, messageCount: messages.length };
    },
    async startWithId(id, owner, title, messages) {
      const { written, createdAt } = await write('start', id, owner, title, messages, true);
      if (!written) return undefined;
      const time = createdAt.toISOString();
      return { id, title, createdAt: time, updatedAt: time, messageCount: messages.length };
    },
    async append(id, owner, messages, { checkQuota = false } = {}) {
      if (messages.length === 0) return true;
      return (await write('append', id, owner, '', messages, checkQuota)).written;
    },
    async removeLastAnswer(id, owner, messageId) {
      // The row goes only while it is the last one (seq = message_count, 1-based) and the
      // totals move by what the delete returned, so two racing removals take it off once.
      const result = await sql<{ removed: number }>`
        with removed as (
          delete from ${table('messages')} as m
          using ${table('conversations')} as c
          where m.id = ${messageId} and m.conversation_id = c.id and m.role = 'assistant'
            and m.seq = c.message_count
            and c.id = ${id} and c.app_id = ${owner.appId} and c.sub = ${owner.sub}
          returning m.conversation_id, octet_length(m.content)::bigint as bytes
        ),
        conversation as (
          update ${table('conversations')} as c
          set message_count = c.message_count - 1, bytes = c.bytes - removed.bytes,
            updated_at = ${new Date(now())}::timestamptz
          from removed
          where c.id = removed.conversation_id
        ),
        counted as (
          update ${table('storage_usage')} as usage
          set bytes = usage.bytes - removed.bytes
          from removed
          where usage.app_id = ${owner.appId} and usage.owner in (${owner.sub}, '')
        )
        select count(*)::int as removed from removed`.execute(db);
      return (result.rows[0]?.removed ?? 0) > 0;
    },
    async get(id, owner, page) {
      const before = page?.before;
      // The latest messages first, walking the (conversation_id, seq) index backwards from the
      // `before` message; one more than asked tells whether earlier ones exist.
      const result = await sql<{
        id: string;
        title: string;
        created_at: Date;
        updated_at: Date;
        message_count: number;
        anchor: number | null;
        message_id: string | null;
        role: string | null;
        content: string | null;
        message_created_at: Date | null;
      }>`
        select c.id, c.title, c.created_at, c.updated_at, c.message_count,
          ${before === undefined ? sql`null::int` : sql`anchor.seq`} as anchor,
          m.id as message_id, m.role, m.content, m.created_at as message_created_at
        from ${table('conversations')} as c
        ${
          before === undefined
            ? sql``
            : sql`left join lateral (select seq from ${table('messages')}
                where id = ${before} and conversation_id = c.id) as anchor on true`
        }
        left join lateral (
          select id, role, content, created_at from ${table('messages')}
          where conversation_id = c.id
            ${before === undefined ? sql`` : sql`and seq < anchor.seq`}
          order by seq desc
          limit ${page ? page.limit + 1 : null}::int
        ) as m on true
        where c.id = ${id} and c.app_id = ${owner.appId} and c.sub = ${owner.sub}`.execute(db);
      const first = result.rows[0];
      if (!first) return undefined;
      if (before !== undefined && first.anchor === null) {
        throw new ProblemError(400, 'bad_request', 'before is not a message of this conversation');
      }
      const rows = result.rows.filter((row) => row.message_id !== null);
      const hasMore = page !== undefined && rows.length > page.limit;
      const messages: StoredMessage[] = rows
        .slice(0, hasMore ? -1 : undefined)
        .reverse()
        .map((row) => ({
          id: row.message_id as string,
          role: row.role as StoredMessage['role'],
          content: row.content as string,
          createdAt: (row.message_created_at as Date).toISOString(),
        }));
      return { ...summary(first), messages, hasMore };
    },
    async list(owner, page, limit, before) {
      // Every write stamps updated_at from a JS Date, so the cursor's milliseconds are exact.
      const result = await sql<{
        total: string | number;
        id: string | null;
        title: string;
        created_at: Date;
        updated_at: Date;
        message_count: number;
      }>`
        select totals.total, page.*
        from (select coalesce((select conversations from ${table('storage_usage')}
            where app_id = ${owner.appId} and owner = ${owner.sub}), 0) as total) as totals
        left join lateral (
          select id, title, created_at, updated_at, message_count
          from ${table('conversations')}
          where app_id = ${owner.appId} and sub = ${owner.sub}
            ${
              before
                ? sql`and (updated_at, id) < (${before.updatedAt}::timestamptz, ${before.id})`
                : sql``
            }
          order by updated_at desc, id desc
          limit ${limit + 1}::int offset ${(page - 1) * limit}::bigint
        ) as page on true`.execute(db);
      const total = Number(result.rows[0]?.total ?? 0);
      const rows = result.rows.flatMap((row) => (row.id === null ? [] : [{ ...row, id: row.id }]));
      return { items: rows.slice(0, limit).map(summary), total, hasMore: rows.length > limit };
    },
    async transfer(from, toSub, conversationId) {
      const result = await sql<{ id: string }>`
        with candidates as (
          select count(*)::bigint as conversations, coalesce(sum(bytes), 0)::bigint as bytes
          from ${table('conversations')}
          where app_id = ${from.appId} and sub = ${from.sub}
            ${conversationId === undefined ? sql`` : sql`and id = ${conversationId}`}
        ),
        receiver as (
          select coalesce(max(conversations), 0) as conversations, coalesce(max(bytes), 0) as bytes
          from ${table('storage_usage')}
          where app_id = ${from.appId} and owner = ${toSub}
        ),
        allowed as (
          select 1 from candidates, receiver where
            (${quotas.visitorConversations}::bigint = 0 or receiver.conversations
              + candidates.conversations <= ${quotas.visitorConversations}::bigint)
            and (${quotas.visitorBytes}::bigint = 0
              or receiver.bytes + candidates.bytes <= ${quotas.visitorBytes}::bigint)
        ),
        moved as (
          update ${table('conversations')} set sub = ${toSub}
          where app_id = ${from.appId} and sub = ${from.sub}
            ${conversationId === undefined ? sql`` : sql`and id = ${conversationId}`}
            and exists (select 1 from allowed)
          returning id, bytes
        ),
        totals as (
          select count(*)::bigint as conversations, coalesce(sum(bytes), 0)::bigint as bytes
          from moved
        ),
        taken as (
          update ${table('storage_usage')} as usage
          set conversations = usage.conversations - totals.conversations,
            bytes = usage.bytes - totals.bytes
          from totals
          where usage.app_id = ${from.appId} and usage.owner = ${from.sub}
            and totals.conversations > 0
        ),
        given as (
          insert into ${table('storage_usage')} (app_id, owner, conversations, bytes)
          select ${from.appId}, ${toSub}, conversations, bytes from totals
          where conversations > 0
          on conflict (app_id, owner) do update set
            conversations = ${table('storage_usage')}.conversations + excluded.conversations,
            bytes = ${table('storage_usage')}.bytes + excluded.bytes
        )
        select id from moved`.execute(db);
      return result.rows.map((row) => row.id);
    },
    async delete(id, owner) {
      const result = await sql<{ deleted: number }>`
        with removed as (
          delete from ${table('conversations')}
          where id = ${id} and app_id = ${owner.appId} and sub = ${owner.sub}
          returning bytes
        ),
        counted as (
          update ${table('storage_usage')} as usage
          set conversations = usage.conversations - 1, bytes = usage.bytes - removed.bytes
          from removed
          where usage.app_id = ${owner.appId} and usage.owner in (${owner.sub}, '')
        )
        select count(*)::int as deleted from removed`.execute(db);
      return (result.rows[0]?.deleted ?? 0) > 0;
    },
  };
}
