import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../src/server/index.ts';

describe('createRateLimiter', () => {
  it('lets exactly the limit through, then refuses with the right Retry-After, and slides', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ limit: 3, now: () => now });
    expect(limiter.consume('a')).toMatchObject({ allowed: true, remaining: 2, limit: 3 });
    now += 10_000;
    limiter.consume('a');
    now += 10_000;
    expect(limiter.consume('a')).toMatchObject({ allowed: true, remaining: 0 });
    now += 5_000;
    expect(limiter.consume('a')).toEqual({
      allowed: false,
      limit: 3,
      remaining: 0,
      reset: (1_000_000 + 60_000) / 1000,
      retryAfter: 35,
    });
    now = 1_000_000 + 60_000;
    // The first request left the window; the second (at +10 s) has not.
    expect(limiter.consume('a')).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.consume('a')).toMatchObject({ allowed: false, retryAfter: 10 });
  });

  it('keeps keys apart, peeks without counting, and accepts a per-call limit', () => {
    const limiter = createRateLimiter({ limit: 1, now: () => 0 });
    expect(limiter.peek('a')).toMatchObject({ remaining: 1 });
    expect(limiter.consume('a').allowed).toBe(true);
    expect(limiter.consume('b').allowed).toBe(true);
    expect(limiter.consume('a').allowed).toBe(false);
    expect(limiter.consume('c', 2).allowed).toBe(true);
    expect(limiter.consume('c', 2).allowed).toBe(true);
  });

  it('forgets idle keys and never tracks more than maxKeys', () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 5, now: () => now, maxKeys: 100 });
    for (let index = 0; index < 1000; index++) limiter.consume(`ip-${index}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    now += 61_000;
    limiter.consume('fresh');
    expect(limiter.size).toBe(1);
  });
});
