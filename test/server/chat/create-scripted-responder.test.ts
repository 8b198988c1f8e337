import { describe, expect, it } from 'vitest';
import { createScriptedResponder, scriptedReply } from '../../../src/server/index.ts';

describe('scripted responder', () => {
  it('keeps hostile questions from breaking the markdown', () => {
    const reply = scriptedReply('a | b ```\n# not a heading');
    expect(reply.split('\n')[0]).toBe('## About: a | b ``` # not a heading');
    expect(reply).toContain('a \\| b');
    expect(reply.match(/^```/gm)).toHaveLength(2);
  });

  it('waits the configured delay per token and stops on abort', async () => {
    const responder = createScriptedResponder({ tokenDelayMs: 5 });
    const controller = new AbortController();
    const tokens: string[] = [];
    const started = performance.now();
    for await (const token of responder.respond({
      messages: [{ role: 'user', content: 'q' }],
      signal: controller.signal,
    })) {
      tokens.push(token);
      if (tokens.length === 4) controller.abort();
    }
    expect(tokens).toHaveLength(4);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });
});
