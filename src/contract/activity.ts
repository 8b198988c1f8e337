import { z } from 'zod';
import { feedbackTypeSchema } from './feedback.ts';

/** The spans the activity view covers: 24 hourly buckets, or 30 daily ones (UTC). */
export const activityRangeSchema = z.enum(['24h', '30d']);
export type ActivityRange = z.infer<typeof activityRangeSchema>;

/** What happened in one bucket (an hour or a UTC day). */
export const activityBucketSchema = z.object({
  /** The bucket's start, ISO 8601. */
  start: z.string(),
  sessions: z.number().int(),
  sessionRefusals: z.number().int(),
  chats: z.number().int(),
  chatRefusals: z.number().int(),
  feedbackPositive: z.number().int(),
  feedbackNegative: z.number().int(),
});
export type ActivityBucket = z.infer<typeof activityBucketSchema>;

/** Refusals of one kind for one reason (a problem code). */
export const activityRefusalSchema = z.object({
  kind: z.enum(['session', 'chat']),
  reason: z.string(),
  count: z.number().int(),
});
export type ActivityRefusal = z.infer<typeof activityRefusalSchema>;

/** An app's activity over a range: the buckets oldest first, totals, and refusals by reason. */
export const appActivitySchema = z
  .object({
    appId: z.string(),
    range: activityRangeSchema,
    bucket: z.enum(['hour', 'day']),
    from: z.string(),
    to: z.string(),
    totals: activityBucketSchema.omit({ start: true }),
    refusals: z.array(activityRefusalSchema),
    series: z.array(activityBucketSchema),
  })
  .meta({ id: 'AppActivity' });
export type AppActivity = z.infer<typeof appActivitySchema>;

/** A conversation in an app's log; the visitor only as a hash. */
export const loggedConversationSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    /** The first 16 hex digits of SHA-256(appId + "\n" + visitor id): never the id itself. */
    visitor: z.string(),
    messageCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    feedback: z.object({ positive: z.number().int(), negative: z.number().int() }),
  })
  .meta({ id: 'LoggedConversation' });
export type LoggedConversation = z.infer<typeof loggedConversationSchema>;

/** One message of a logged conversation, with its answer's wait and rating. */
export const loggedMessageSchema = z.object({
  id: z.string(),
  role: z.string(),
  content: z.string(),
  createdAt: z.string(),
  /** ms from the request to the answer's first text; null for user messages or when unknown. */
  timeToFirstTokenMs: z.number().int().nullable(),
  feedback: z
    .object({ type: feedbackTypeSchema, details: z.string().nullable(), createdAt: z.string() })
    .nullable(),
});
export type LoggedMessage = z.infer<typeof loggedMessageSchema>;

/** A logged conversation with all its messages, oldest first. */
export const loggedConversationDetailSchema = loggedConversationSchema
  .extend({ messages: z.array(loggedMessageSchema) })
  .meta({ id: 'LoggedConversationDetail' });
export type LoggedConversationDetail = z.infer<typeof loggedConversationDetailSchema>;
