import { describe, expect, it } from 'vitest';
import { createMemorySharedState } from '../../../src/server/index.ts';

describe('createMemorySharedState', () => {
  it('remembers until expiry, forgets after, and refuses when full of live entries', async () => {
    let now = 0;
    const shared = createMemorySharedState({ replayCapacity: 2, now: () => now });
    expect(await shared.claim('a', 100)).toBe('claimed');
    expect(await shared.claim('a', 100)).toBe('replayed');
    expect(await shared.claim('b', 200)).toBe('claimed');
    expect(await shared.claim('c', 200)).toBe('full');
    now = 150;
    expect(await shared.claim('c', 300)).toBe('claimed');
    expect(await shared.claim('a', 400)).toBe('full');
  });

  it('counts a budget per key, with a per-call limit, and refuses past it', async () => {
    const shared = createMemorySharedState();
    const limiter = shared.limiter('test', 2);
    expect(await limiter.consume('a')).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
    expect(await limiter.consume('a')).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await limiter.consume('a');
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfter).toBeLessThanOrEqual(60);
    expect((await limiter.consume('b')).allowed).toBe(true);
    expect((await limiter.consume('c', 1)).allowed).toBe(true);
    expect((await limiter.consume('c', 1)).allowed).toBe(false);
  });

  it('tells every subscriber about a notice until it unsubscribes', async () => {
    const shared = createMemorySharedState();
    const seen: unknown[] = [];
    const stop = shared.subscribe((notice) => seen.push(notice));
    await shared.publish({ type: 'app', id: 'app_x' });
    stop();
    await shared.publish({ type: 'key', id: 'k' });
    expect(seen).toEqual([{ type: 'app', id: 'app_x' }]);
  });
});
