import { z } from 'zod';

/** A conversation id: `conv_` and 16 or more URL-safe characters, made by the server or the client. */
export const conversationIdSchema = z
  .string()
  .max(128)
  .regex(/^conv_[A-Za-z0-9_-]{16,}$/);
