import { randomUUID } from 'node:crypto';

/** A new message id, as the store gives messages stored without one (`msg_<uuid>`). */
export const newMessageId = (): string => `msg_${randomUUID()}`;
