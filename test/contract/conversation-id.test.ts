import { describe, expect, it } from 'vitest';
import { conversationIdSchema } from '../../src/contract/conversation-id.ts';

describe('conversationIdSchema', () => {
  it.each([
    [`conv_${'a'.repeat(32)}`, true],
    ['conv_AZaz09_-AZaz09_-', true],
    [`conv_${'x'.repeat(123)}`, true],
    [`conv_${'x'.repeat(124)}`, false],
    ['conv_short', false],
    ['conv_aaaaaaaaaaaaaaa/', false],
    [`chat_${'a'.repeat(32)}`, false],
    ['', false],
  ])('%s → %s', (id, valid) => {
    expect(conversationIdSchema.safeParse(id).success).toBe(valid);
  });
});
