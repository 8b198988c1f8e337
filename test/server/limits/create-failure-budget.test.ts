import { describe, expect, it } from 'vitest';
import { createMemorySharedState } from '../../../src/server/index.ts';
import { createFailureBudget } from '../../../src/server/limits/create-failure-budget.ts';

describe('createFailureBudget', () => {
  it('blocks a client once its fleet-wide count is spent, checked with no round trip', async () => {
    // Two instances over one limiter, as two servers over one Redis.
    const limiter = createMemorySharedState().limiter('auth-failures', 3);
    // The limiter's windows follow the system clock: start ours there.
    let time = Date.now();
    const now = () => time;
    const a = createFailureBudget(limiter, now);
    const b = createFailureBudget(limiter, now);
    await a.fail('203.0.113.1');
    await a.fail('203.0.113.1');
    expect(a.blocked('203.0.113.1')).toBeUndefined();
    await b.fail('203.0.113.1');
    // The instance that counted the last failure knows at once; the other at its next one.
    expect(b.blocked('203.0.113.1')).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
    expect(a.blocked('203.0.113.1')).toBeUndefined();
    await a.fail('203.0.113.1');
    expect(a.blocked('203.0.113.1')?.retryAfter).toBeGreaterThanOrEqual(1);
    expect(a.blocked('198.51.100.1')).toBeUndefined();
    // Past the window the entry leaves (swept from the front).
    time += 61_000;
    expect(a.blocked('203.0.113.1')).toBeUndefined();
    expect(a.size).toBe(0);
  });
});
