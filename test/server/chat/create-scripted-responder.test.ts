import { describe, expect, it, vi } from 'vitest';
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
    // Count the waits, not the time they took.
    const timers = vi.spyOn(globalThis, 'setTimeout');
    let delays: unknown[] = [];
    try {
      for await (const token of responder.respond({
        messages: [{ role: 'user', content: 'q' }],
        signal: controller.signal,
      })) {
        tokens.push(token);
        if (tokens.length === 4) controller.abort();
      }
      delays = timers.mock.calls.map(([, delay]) => delay);
    } finally {
      timers.mockRestore();
    }
    expect(tokens).toHaveLength(4);
    const waits = delays.filter((delay) => delay === 5);
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(waits.length).toBeLessThanOrEqual(4);
  });
});
