import { z } from 'zod';

/**
 * A conversation id as the Run API hands it out or a client generates it: `conv_` and at least
 * 16 URL-safe characters (`A-Z a-z 0-9 _ -`), at most 128 characters in all.
 */
export const conversationIdSchema = z
  .string()
  .max(128)
  .regex(/^conv_[A-Za-z0-9_-]{16,}$/)
  .meta({ description: 'conv_ and at least 16 of A-Z a-z 0-9 _ -; at most 128 characters' });

/**
 * The form of the ids the server makes itself: `conv_` and 32 lowercase hex digits. An unknown
 * id of this form is one the server made and has lost (it ran without storage and restarted):
 * it is never created at first use, so a client learns to start over (404) instead of going on
 * in an empty conversation. Ids a client chooses take any other form.
 */
export const serverConversationId = /^conv_[0-9a-f]{32}$/;
