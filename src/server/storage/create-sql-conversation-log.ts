import { sql } from 'kysely';
import type {
  LoggedConversation,
  LoggedConversationDetail,
  LoggedMessage,
} from '../../contract/activity.ts';
import type { FeedbackType } from '../../contract/feedback.ts';
import { hashVisitor } from '../session/hash-visitor.ts';
import type { Database } from './database.ts';
import type { ConversationLog } from './stores.ts';

interface ConversationRow {
  id: string;
  title: string;
  sub: string;
  message_count: number;
  created_at: Date;
  updated_at: Date;
  positive: string | number;
  negative: string | number;
}

function logged(key: string, appId: string, row: ConversationRow): LoggedConversation {
  return {
    id: row.id,
    title: row.title,
    visitor: hashVisitor(key, appId, row.sub),
    messageCount: row.message_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    feedback: { positive: Number(row.positive), negative: Number(row.negative) },
  };
}

// Each conversation's feedback counts, from the feedback_by_conversation index.
const feedbackCounts = (table: Database['table']) => sql`
  (select count(*) from ${table('feedback')} as f
    where f.conversation_id = c.id and f.type = 'positive') as positive,
  (select count(*) from ${table('feedback')} as f
    where f.conversation_id = c.id and f.type = 'negative') as negative`;

/**
 * An app's conversations as its owner browses them: every visitor's, newest first (one range of
 * the conversations_by_app index), and one conversation with its messages, each answer's time to
 * first token and rating. Visitor ids leave this file only hashed.
 */
export function createSqlConversationLog({
  database,
  visitorHashKey,
}: {
  database: Database;
  /** The key of {@link hashVisitor} (`ServerStores.visitorHashKey`). */
  visitorHashKey: string;
}): ConversationLog {
  const { db, table } = database;
  return {
    async list(appId, limit, before) {
      const result = await sql<ConversationRow>`
        select c.id, c.title, c.sub, c.message_count, c.created_at, c.updated_at,
          ${feedbackCounts(table)}
        from ${table('conversations')} as c
        where c.app_id = ${appId}
          ${
            before
              ? sql`and (c.updated_at, c.id) < (${before.updatedAt}::timestamptz, ${before.id})`
              : sql``
          }
        order by c.updated_at desc, c.id desc
        limit ${limit + 1}::int`.execute(db);
      const items = result.rows.slice(0, limit).map((row) => logged(visitorHashKey, appId, row));
      const last = items.at(-1);
      return {
        items,
        next: result.rows.length > limit && last ? `${last.updatedAt},${last.id}` : null,
      };
    },

    async get(appId, id) {
      const result = await sql<
        ConversationRow & {
          message_id: string | null;
          role: string;
          content: string;
          message_created_at: Date;
          time_to_first_token_ms: number | null;
          feedback_type: string | null;
          feedback_details: string | null;
          feedback_created_at: Date | null;
        }
      >`
        select c.id, c.title, c.sub, c.message_count, c.created_at, c.updated_at,
          ${feedbackCounts(table)},
          m.id as message_id, m.role, m.content, m.created_at as message_created_at,
          m.time_to_first_token_ms, f.type as feedback_type, f.details as feedback_details,
          f.created_at as feedback_created_at
        from ${table('conversations')} as c
        left join ${table('messages')} as m on m.conversation_id = c.id
        left join ${table('feedback')} as f on f.message_id = m.id
        where c.id = ${id} and c.app_id = ${appId}
        order by m.seq`.execute(db);
      const first = result.rows[0];
      if (!first) return undefined;
      const messages: LoggedMessage[] = result.rows.flatMap((row) =>
        row.message_id === null
          ? []
          : [
              {
                id: row.message_id,
                role: row.role,
                content: row.content,
                createdAt: row.message_created_at.toISOString(),
                timeToFirstTokenMs: row.time_to_first_token_ms,
                feedback:
                  row.feedback_type && row.feedback_created_at
                    ? {
                        type: row.feedback_type as FeedbackType,
                        details: row.feedback_details,
                        createdAt: row.feedback_created_at.toISOString(),
                      }
                    : null,
              },
            ],
      );
      const detail: LoggedConversationDetail = {
        ...logged(visitorHashKey, appId, first),
        messages,
      };
      return detail;
    },
  };
}
