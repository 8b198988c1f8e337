import { describe, expect, it } from 'vitest';

describe('the npm entry', () => {
  it('imports in Node without a DOM and defines nothing', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const entry = await import('../src/index.ts');
    expect(typeof entry.InkeepChatElement).toBe('function');
    expect(typeof entry.InkeepChatError).toBe('function');
    expect(typeof entry.createSession).toBe('function');
    expect(typeof entry.createChatClient).toBe('function');
  });

  it('imports the define entry in Node without throwing', async () => {
    await expect(import('../src/define.ts')).resolves.toBeDefined();
  });
});
