import { describe, expect, it } from 'vitest';
import { powLevel } from '../../../src/server/pow/pow-settings.ts';
import { sessionAllowance } from '../../../src/server/pow/session-allowance.ts';
import type { RateLimitResult } from '../../../src/server/shared/shared-state.ts';

const counted = (consumed: number, limit = 20): RateLimitResult => ({
  allowed: consumed <= limit,
  limit,
  remaining: Math.max(0, limit - consumed),
  reset: 1_700_000_060,
  retryAfter: consumed <= limit ? 0 : 42,
  consumed,
});

describe('powLevel', () => {
  it('is 0 within the budget and one more per further budget', () => {
    expect([1, 20, 21, 40, 41, 61, 81].map((n) => powLevel(n, 20))).toEqual([0, 0, 1, 1, 2, 3, 4]);
    expect(powLevel(0, 20)).toBe(0);
  });
});

describe('sessionAllowance', () => {
  it('serves every level, then refuses with the window’s wait; the limit counts every level', () => {
    expect(sessionAllowance(counted(1), 3)).toEqual({
      level: 0,
      limit: { ...counted(1), limit: 80, remaining: 79 },
    });
    expect(sessionAllowance(counted(21), 3)).toEqual({
      level: 1,
      limit: { ...counted(21), allowed: true, limit: 80, remaining: 59, retryAfter: 0 },
    });
    expect(sessionAllowance(counted(80), 3)).toMatchObject({
      level: 3,
      limit: { allowed: true, remaining: 0 },
    });
    expect(sessionAllowance(counted(81), 3)).toMatchObject({
      level: 3,
      limit: { allowed: false, limit: 80, remaining: 0, retryAfter: 42 },
    });
  });

  it('with no levels is the budget itself', () => {
    expect(sessionAllowance(counted(20), 0).limit).toEqual(counted(20));
    expect(sessionAllowance(counted(21), 0)).toEqual({ level: 0, limit: counted(21) });
  });
});
