import { sql } from 'kysely';
import type { ActivityBucket, ActivityRange, AppActivity } from '../../contract/activity.ts';
import {
  type ActivityCount,
  type ActivityKind,
  createActivityRecorder,
} from '../activity/create-activity-recorder.ts';
import type { Database } from './database.ts';
import type { ActivityStore } from './stores.ts';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** Each range's buckets: how long one is and how many end with the current one. */
const ranges: Record<ActivityRange, { bucket: 'hour' | 'day'; ms: number; count: number }> = {
  '24h': { bucket: 'hour', ms: hourMs, count: 24 },
  '30d': { bucket: 'day', ms: dayMs, count: 30 },
};

const emptyBucket = (start: number): ActivityBucket => ({
  start: new Date(start).toISOString(),
  sessions: 0,
  sessionRefusals: 0,
  chats: 0,
  chatRefusals: 0,
  feedbackPositive: 0,
  feedbackNegative: 0,
});

/** Which bucket field a stored (kind, reason) adds to. */
function fieldOf(kind: string, reason: string): keyof Omit<ActivityBucket, 'start'> | undefined {
  if (kind === 'session_issued') return 'sessions';
  if (kind === 'session_refused') return 'sessionRefusals';
  if (kind === 'chat') return 'chats';
  if (kind === 'chat_refused') return 'chatRefusals';
  if (kind === 'feedback') return reason === 'positive' ? 'feedbackPositive' : 'feedbackNegative';
  return undefined;
}

/**
 * Per-app activity in SQL: counts are kept in memory (createActivityRecorder) and added to
 * `app_activity` rows by one upsert per flush, so instances writing the same hour add up. A read
 * flushes this instance first, then sums the range's rows and the feedback table's ratings per
 * bucket in one statement. Rows older than `retentionDays` are deleted by the first write of
 * each hour (any instance's; the delete is the same whichever runs it).
 */
export function createSqlActivityStore({
  database,
  now,
  flushMs = 5000,
  maxKeys = 10_000,
  retentionDays,
  onError,
}: {
  database: Database;
  now: () => number;
  flushMs?: number;
  maxKeys?: number;
  /** Hourly rows older than this many days are deleted. */
  retentionDays: number;
  onError?: (error: unknown) => void;
}): ActivityStore {
  const { db, table } = database;
  let prunedHour = Number.NaN;

  /** Deletes the hours older than the retention (one index range: `app_activity_by_hour`). */
  const prune = async () => {
    const hour = Math.floor(now() / hourMs) * hourMs;
    if (hour === prunedHour) return;
    const before = new Date(hour - retentionDays * dayMs).toISOString();
    await db
      .deleteFrom('app_activity')
      .where('hour', '<', sql<Date>`${before}::timestamptz`)
      .execute();
    prunedHour = hour;
  };

  const add = async (counts: readonly ActivityCount[]) => {
    if (counts.length === 0) return;
    await prune();
    await sql`
      insert into ${table('app_activity')} (app_id, hour, kind, reason, count)
      select * from unnest(
        ${counts.map((entry) => entry.appId)}::text[],
        ${counts.map((entry) => new Date(entry.hour).toISOString())}::timestamptz[],
        ${counts.map((entry) => entry.kind)}::text[],
        ${counts.map((entry) => entry.reason)}::text[],
        ${counts.map((entry) => entry.count)}::bigint[])
      on conflict (app_id, hour, kind, reason) do update
        set count = ${table('app_activity')}.count + excluded.count`.execute(db);
  };

  const recorder = createActivityRecorder({
    write: add,
    now,
    flushMs,
    maxKeys,
    ...(onError ? { onError } : {}),
  });

  return {
    record(appId: string, kind: ActivityKind, reason?: string) {
      recorder.record(appId, kind, reason);
    },
    flush: () => recorder.flush(),
    close: () => recorder.close(),
    add,
    get pending() {
      return recorder.pending;
    },
    get dropped() {
      return recorder.dropped;
    },

    async read(appId, range) {
      await recorder.flush();
      const { bucket, ms, count } = ranges[range];
      const last = Math.floor(now() / ms) * ms;
      const from = last - (count - 1) * ms;
      const to = last + ms;
      const seconds = ms / 1000;
      const fromDate = new Date(from).toISOString();
      const toDate = new Date(to).toISOString();
      // Buckets are whole hours or whole UTC days counted from the epoch.
      const result = await sql<{
        bucket: string | number;
        kind: string;
        reason: string;
        count: string | number;
      }>`
        select floor(extract(epoch from hour) / ${seconds}::int)::bigint as bucket, kind, reason,
          sum(count)::bigint as count
        from ${table('app_activity')}
        where app_id = ${appId} and hour >= ${fromDate}::timestamptz and hour < ${toDate}::timestamptz
        group by 1, 2, 3
        union all
        select floor(extract(epoch from created_at) / ${seconds}::int)::bigint, 'feedback', type,
          count(*)::bigint
        from ${table('feedback')}
        where app_id = ${appId} and created_at >= ${fromDate}::timestamptz
          and created_at < ${toDate}::timestamptz
        group by 1, 2, 3`.execute(db);

      const series = Array.from({ length: count }, (_, index) => emptyBucket(from + index * ms));
      const totals = emptyBucket(from);
      const refusals = new Map<
        string,
        { kind: 'session' | 'chat'; reason: string; count: number }
      >();
      for (const row of result.rows) {
        const field = fieldOf(row.kind, row.reason);
        const target = series[(Number(row.bucket) * ms - from) / ms];
        if (!field || !target) continue;
        const amount = Number(row.count);
        target[field] += amount;
        totals[field] += amount;
        if (row.kind === 'session_refused' || row.kind === 'chat_refused') {
          const kind = row.kind === 'session_refused' ? 'session' : 'chat';
          const key = `${kind}\n${row.reason}`;
          const held = refusals.get(key);
          if (held) held.count += amount;
          else refusals.set(key, { kind, reason: row.reason, count: amount });
        }
      }
      const { start: _start, ...sums } = totals;
      const activity: AppActivity = {
        appId,
        range,
        bucket,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        totals: sums,
        refusals: [...refusals.values()].sort(
          (a, b) =>
            b.count - a.count || a.kind.localeCompare(b.kind) || a.reason.localeCompare(b.reason),
        ),
        series,
      };
      return activity;
    },
  };
}
