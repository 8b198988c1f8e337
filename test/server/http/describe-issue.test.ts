import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssue, fieldOf } from '../../../src/server/http/describe-issue.ts';

const firstDetail = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('accepted');
  const [issue] = result.error.issues;
  if (!issue) throw new Error('no issue');
  return describeIssue(issue);
};

describe('describeIssue', () => {
  it('writes paths as JavaScript accessors', () => {
    expect(fieldOf(['messages', 0, 'content'])).toBe('messages[0].content');
    expect(fieldOf(['config', 'webClient', 'allowedDomains', 2])).toBe(
      'config.webClient.allowedDomains[2]',
    );
    expect(fieldOf([])).toBe('');
  });

  it('names the field before the schema’s own message, or gives the message alone at the root', () => {
    const schema = z.object(
      { messages: z.array(z.object({ role: z.enum(['user'], { error: 'must be "user"' }) })) },
      { error: 'Request body must be a JSON object' },
    );
    expect(firstDetail(schema, { messages: [{ role: 'tool' }] })).toBe(
      'messages[0].role must be "user"',
    );
    expect(firstDetail(schema, [])).toBe('Request body must be a JSON object');
  });

  it('explains a union by the branch that got furthest', () => {
    const content = z.object({
      content: z.union(
        [z.string(), z.array(z.object({ type: z.literal('text', { error: 'must be text' }) }))],
        { error: 'must be a string' },
      ),
    });
    expect(firstDetail(content, { content: [{ type: 'image' }] })).toBe(
      'content[0].type must be text',
    );
    expect(firstDetail(content, { content: 42 })).toBe('content must be a string');
  });

  it('words zod’s own messages in the contract’s style', () => {
    expect(firstDetail(z.object({ stream: z.boolean() }), { stream: 'yes' })).toBe(
      'stream must be a boolean',
    );
    expect(firstDetail(z.object({ items: z.array(z.string()) }), { items: 1 })).toBe(
      'items must be an array',
    );
  });
});
