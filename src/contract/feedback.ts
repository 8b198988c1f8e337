import { z } from 'zod';

/** A visitor's rating of an answer. */
export const feedbackTypeSchema = z.enum(['positive', 'negative']);
export type FeedbackType = z.infer<typeof feedbackTypeSchema>;

/** A negative rating with the exchange it rates (texts cut by the server). */
export const negativeFeedbackSchema = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  /** The visitor's comment, or null when they left none. */
  details: z.string().nullable(),
  createdAt: z.string(),
  /** The user message the answer replied to, or null when there is none. */
  question: z.string().nullable(),
  /** The answer rated. */
  answer: z.string(),
});
export type NegativeFeedback = z.infer<typeof negativeFeedbackSchema>;

/** An app's feedback at a glance: counts, and the latest negatives, newest first. */
export const feedbackSummarySchema = z
  .object({
    counts: z.object({ positive: z.number().int(), negative: z.number().int() }),
    latestNegative: z.array(negativeFeedbackSchema),
  })
  .meta({ id: 'FeedbackSummary' });
export type FeedbackSummary = z.infer<typeof feedbackSummarySchema>;
