import { describe, expect, it } from 'vitest';
import { createMemorySharedState } from '../../../src/server/index.ts';

describe('createMemorySharedState', () => {
  it('remembers until expiry, forgets after, and refuses a bucket full of live entries', async () => {
    let now = 0;
    const shared = createMemorySharedState({ replayCapacityPerBucket: 2, now: () => now });
    expect(await shared.claim('a', 100)).toBe('claimed');
    expect(await shared.claim('a', 100)).toBe('replayed');
    expect(await shared.claim('b', 200)).toBe('claimed');
    expect(await shared.claim('c', 200)).toBe('full');
    now = 150;
    expect(await shared.claim('c', 300)).toBe('claimed');
    expect(await shared.claim('a', 400)).toBe('full');
  });

  it('caps each bucket alone: one client filling its own never refuses another', async () => {
    let now = 0;
    const shared = createMemorySharedState({ replayCapacityPerBucket: 3, now: () => now });
    for (const key of ['a1', 'a2', 'a3'])
      expect(await shared.claim(key, 100, 'attacker')).toBe('claimed');
    expect(await shared.claim('a4', 100, 'attacker')).toBe('full');
    expect(await shared.claim('h1', 100, 'honest')).toBe('claimed');
    expect(await shared.claim('h2', 100)).toBe('claimed');
    // A key is remembered whatever the bucket: a replay from another bucket is still a replay.
    expect(await shared.claim('a1', 100, 'honest')).toBe('replayed');
    now = 100;
    expect(await shared.claim('a4', 200, 'attacker')).toBe('claimed');
  });

  it('forgets expired entries (from the front, oldest first) and frees their buckets', async () => {
    let now = 0;
    const shared = createMemorySharedState({ replayCapacityPerBucket: 1_000_000, now: () => now });
    for (let i = 0; i < 10_000; i++) await shared.claim(`k${i}`, 1000, `bucket${i % 100}`);
    now = 1000;
    // Every earlier entry has expired: the next claim sweeps them, and the buckets are empty.
    expect(await shared.claim('fresh', 2000, 'bucket0')).toBe('claimed');
    expect(await shared.claim('k0', 2000, 'bucket0')).toBe('claimed');
    const small = createMemorySharedState({ replayCapacityPerBucket: 1, now: () => now });
    expect(await small.claim('x', 1001, 'b')).toBe('claimed');
    now = 1001;
    expect(await small.claim('y', 1002, 'b')).toBe('claimed');
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
