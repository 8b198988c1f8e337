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
