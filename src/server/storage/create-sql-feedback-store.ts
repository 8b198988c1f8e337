import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from './database.ts';
import type { Feedback, FeedbackStore, FeedbackType } from './stores.ts';

/**
 * Feedback in SQL: one row a message (`message_id` is unique), tied to its message and its
 * conversation so that it goes when they go. A write is one upsert that finds the message only
 * through the owner's conversation, so another owner's message, a user message or an unknown one
 * writes nothing.
 */
export function createSqlFeedbackStore({
  database,
  now,
}: {
  database: Database;
  now: () => number;
}): FeedbackStore {
  const { db, table } = database;
  return {
    async put(owner, { conversationId, messageId, type, details }) {
      // `xmax <> 0` tells an update (a replaced feedback) from an insert, in the same statement.
      const result = await sql<{
        id: string;
        conversation_id: string;
        message_id: string;
        type: string;
        details: string | null;
        created_at: Date;
        replaced: boolean;
      }>`
        insert into ${table('feedback')}
          (id, conversation_id, message_id, app_id, type, details, created_at)
        select ${`fb_${randomUUID().replace(/-/g, '')}`}, m.conversation_id, m.id, c.app_id,
          ${type}, ${details}, ${new Date(now())}::timestamptz
        from ${table('messages')} as m
        join ${table('conversations')} as c on c.id = m.conversation_id
        where m.id = ${messageId} and m.conversation_id = ${conversationId}
          and m.role = 'assistant' and c.app_id = ${owner.appId} and c.sub = ${owner.sub}
        on conflict (message_id) do update set
          type = excluded.type, details = excluded.details, created_at = excluded.created_at
        returning id, conversation_id, message_id, type, details, created_at,
          (xmax <> 0) as replaced`.execute(db);
      const row = result.rows[0];
      if (!row) return undefined;
      const feedback: Feedback = {
        id: row.id,
        conversationId: row.conversation_id,
        messageId: row.message_id,
        type: row.type as FeedbackType,
        details: row.details,
        createdAt: row.created_at.toISOString(),
      };
      return { feedback, replaced: row.replaced };
    },

    async summary(appId, { limit, textLimit }) {
      // Counts from the app's index; the latest negatives are one range of it, each with the
      // user message before its answer (one step back on the messages' (conversation, seq) key).
      const result = await sql<{
        positive: string | number;
        negative: string | number;
        conversation_id: string | null;
        message_id: string;
        details: string | null;
        created_at: Date;
        question: string | null;
        answer: string;
      }>`
        with counts as (
          select count(*) filter (where type = 'positive') as positive,
            count(*) filter (where type = 'negative') as negative
          from ${table('feedback')} where app_id = ${appId}
        )
        select counts.positive, counts.negative, latest.*
        from counts left join lateral (
          select f.conversation_id, f.message_id, f.details, f.created_at,
            left(a.content, ${textLimit}::int) as answer,
            (select left(q.content, ${textLimit}::int) from ${table('messages')} as q
              where q.conversation_id = a.conversation_id and q.seq < a.seq and q.role = 'user'
              order by q.seq desc limit 1) as question
          from ${table('feedback')} as f
          join ${table('messages')} as a on a.id = f.message_id
          where f.app_id = ${appId} and f.type = 'negative'
          order by f.created_at desc, f.id desc
          limit ${limit}::int
        ) as latest on true`.execute(db);
      const first = result.rows[0];
      return {
        counts: { positive: Number(first?.positive ?? 0), negative: Number(first?.negative ?? 0) },
        latestNegative: result.rows.flatMap((row) =>
          row.conversation_id === null
            ? []
            : [
                {
                  conversationId: row.conversation_id,
                  messageId: row.message_id,
                  details: row.details,
                  createdAt: row.created_at.toISOString(),
                  question: row.question,
                  answer: row.answer,
                },
              ],
        ),
      };
    },
  };
}
