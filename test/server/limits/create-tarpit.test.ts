import { describe, expect, it, vi } from 'vitest';
import { createTarpit } from '../../../src/server/limits/create-tarpit.ts';

describe('createTarpit', () => {
  it('holds up to its capacity; beyond it, and with no delay, answers at once', async () => {
    vi.useFakeTimers();
    try {
      const tarpit = createTarpit({ delayMs: 1000, capacity: 2 });
      let done = 0;
      const held = [tarpit.hold(), tarpit.hold()].map((wait) => wait.then(() => done++));
      expect(tarpit.held).toBe(2);
      await tarpit.hold(); // the third is not held
      expect(done).toBe(0);
      await vi.advanceTimersByTimeAsync(1000);
      await Promise.all(held);
      expect([done, tarpit.held]).toEqual([2, 0]);
      const off = createTarpit({ delayMs: 0 });
      await off.hold();
      expect(off.held).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
