import { describe, expect, it } from 'vitest';
import { runExclusive } from '../../src/session/run-exclusive.ts';
import { waitFor } from '../../src/session/wait-for.ts';
import { createFakeLocks } from './fake-run-api.ts';

describe('runExclusive', () => {
  it('runs one task at a time per lock name', async () => {
    const locks = createFakeLocks();
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`${name} end`);
    };
    const signal = new AbortController().signal;
    await Promise.all([
      runExclusive(locks, 'a', signal, task('first')),
      runExclusive(locks, 'a', signal, task('second')),
    ]);
    expect(order).toEqual(['first start', 'first end', 'second start', 'second end']);
  });

  it('runs the task directly without Web Locks, or when they are refused', async () => {
    const signal = new AbortController().signal;
    expect(await runExclusive(undefined, 'a', signal, async () => 1)).toBe(1);
    const refusing = {
      request: () => Promise.reject(new DOMException('denied', 'SecurityError')),
    } as unknown as LockManager;
    expect(await runExclusive(refusing, 'a', signal, async () => 2)).toBe(2);
  });

  it('passes on the failure of a task that ran, without running it twice', async () => {
    let runs = 0;
    const failing = async () => {
      runs++;
      throw new Error('boom');
    };
    await expect(
      runExclusive(createFakeLocks(), 'a', new AbortController().signal, failing),
    ).rejects.toThrow('boom');
    expect(runs).toBe(1);
  });
});

describe('waitFor', () => {
  it('stops waiting on abort while the promise goes on', async () => {
    const controller = new AbortController();
    let settle: (value: string) => void = () => {};
    const work = new Promise<string>((resolve) => {
      settle = resolve;
    });
    const waiting = waitFor(work, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    settle('done');
    expect(await waitFor(work, undefined)).toBe('done');
  });
});
