// Shared state in a real Redis (INKEEP_TEST_REDIS_URL, started by test/setup/engines.ts or
// scripts/test.mjs): two instances on one Redis act as one, and an unreachable Redis fails
// closed for replay memory and open for rate limits, with one warning.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChangeNotice,
  createRedisSharedState,
  ProblemError,
  type SharedState,
} from '../../../src/server/index.ts';

const redisUrl = process.env.INKEEP_TEST_REDIS_URL || undefined;

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe.skipIf(!redisUrl)('createRedisSharedState', () => {
  const opened: SharedState[] = [];
  afterEach(async () => {
    for (const shared of opened.splice(0)) await shared.close();
  });
  /** Two instances of one fleet (one prefix, unique to the test) on the test Redis. */
  async function fleet(url = redisUrl as string) {
    const prefix = `test_${process.pid}_${randomUUID()}`;
    const [a, b] = await Promise.all([
      createRedisSharedState({ url, prefix }),
      createRedisSharedState({ url, prefix }),
    ]);
    opened.push(a, b);
    return { a, b, prefix };
  }

  it('is up, and says which engine it is', async () => {
    const { a } = await fleet();
    expect(a.engine).toBe('redis');
    expect(await a.health()).toBe('up');
  });

  it('a claim made on one instance is replayed on the other, until it expires', async () => {
    const { a, b, prefix } = await fleet();
    const expires = Date.now() + 60_000;
    expect(await a.claim('solution-1', expires)).toBe('claimed');
    expect(await b.claim('solution-1', expires)).toBe('replayed');
    expect(await a.claim('solution-1', expires)).toBe('replayed');
    expect(await b.claim('solution-2', expires)).toBe('claimed');
    // Another fleet on the same Redis (another prefix) keeps its own memory.
    const other = await createRedisSharedState({ url: redisUrl as string, prefix: `${prefix}x` });
    opened.push(other);
    expect(await other.claim('solution-1', expires)).toBe('claimed');
    // Counted: one round trip per claim.
    expect(a.roundTrips).toBe(2);
  });

  it('counts a rate-limit budget once across both instances', async () => {
    const { a, b } = await fleet();
    const onA = a.limiter('session', 3);
    const onB = b.limiter('session', 3);
    expect(await onA.consume('10.0.0.1')).toMatchObject({ allowed: true, limit: 3, remaining: 2 });
    expect(await onA.consume('10.0.0.1')).toMatchObject({ allowed: true, remaining: 1 });
    expect(await onB.consume('10.0.0.1')).toMatchObject({ allowed: true, remaining: 0 });
    for (const limiter of [onA, onB]) {
      const refused = await limiter.consume('10.0.0.1');
      expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
      expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfter).toBeLessThanOrEqual(60);
    }
    // Another key, and another budget name, are counted apart.
    expect((await onB.consume('10.0.0.2')).allowed).toBe(true);
    expect((await b.limiter('chat', 3).consume('10.0.0.1')).allowed).toBe(true);
    // A per-call limit (a key's own setting) is its own budget, shared too.
    expect((await onA.consume('key', 1)).allowed).toBe(true);
    expect((await onB.consume('key', 1)).allowed).toBe(false);
  });

  it('peeks at a budget without spending it, on either instance', async () => {
    const { a, b } = await fleet();
    const onA = a.limiter('peeked', 2);
    const onB = b.limiter('peeked', 2);
    expect((await onB.peek('client')).allowed).toBe(true);
    await onA.consume('client');
    await onA.consume('client');
    const peeked = await onB.peek('client');
    expect(peeked).toMatchObject({ allowed: false, remaining: 0, consumed: 2 });
    expect((await onB.peek('client')).consumed).toBe(2);
  });

  it('admits in one round trip: counters in order, then every slot or none, fleet-wide', async () => {
    const { a, b } = await fleet();
    const counters = [
      { name: 'client-chat', key: '10.0.0.1', limit: 3, windowSeconds: 60 },
      { name: 'chat', key: 'visitor', limit: 2, windowSeconds: 60 },
    ];
    const slots = [
      { name: 'client-streams', key: '10.0.0.1', limit: 5 },
      { name: 'visitor-streams', key: 'visitor', limit: 1 },
    ];
    const trips = a.roundTrips;
    const first = await a.admit(counters, slots);
    expect(a.roundTrips - trips).toBe(1);
    expect(first.allowed).toBe(true);
    // The visitor's budget is the tightest: 1 left of 2.
    expect(first.result).toMatchObject({ allowed: true, limit: 2, remaining: 1, consumed: 1 });

    // The visitor's only slot is held (on the other instance too): refused, nothing kept.
    const second = await b.admit(counters, slots);
    expect(second.allowed).toBe(false);
    expect(second.result).toMatchObject({ limit: 1, remaining: 0, retryAfter: 2 });
    first.release();
    let third = await b.admit(counters.slice(0, 1), slots);
    for (let attempt = 0; !third.allowed && attempt < 50; attempt++) {
      await new Promise((resolve) => setImmediate(resolve));
      third = await b.admit(counters.slice(0, 1), slots);
    }
    expect(third.allowed).toBe(true);
    third.release();

    // The client's counter is spent (3 of 3): the first refusal stops the rest.
    const refused = await a.admit(counters, []);
    expect(refused.allowed).toBe(false);
    expect(refused.result).toMatchObject({ limit: 3, remaining: 0, consumed: 4 });
    expect(refused.result.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.result.retryAfter).toBeLessThanOrEqual(60);
    // What admit() counts, a limiter of the same name reads.
    expect((await b.limiter('client-chat', 3).peek('10.0.0.1')).consumed).toBe(4);
  });

  it('a notice published on one instance reaches the subscribers of both', async () => {
    const { a, b } = await fleet();
    const seenByA: ChangeNotice[] = [];
    const seenByB: ChangeNotice[] = [];
    a.subscribe((notice) => seenByA.push(notice));
    const stop = b.subscribe((notice) => seenByB.push(notice));
    await a.publish({ type: 'key', id: 'key_1' });
    await expect.poll(() => seenByB).toEqual([{ type: 'key', id: 'key_1' }]);
    await expect.poll(() => seenByA).toEqual([{ type: 'key', id: 'key_1' }]);
    stop();
    await b.publish({ type: 'app', id: 'app_1' });
    await expect
      .poll(() => seenByA)
      .toEqual([
        { type: 'key', id: 'key_1' },
        { type: 'app', id: 'app_1' },
      ]);
    expect(seenByB).toEqual([{ type: 'key', id: 'key_1' }]);
    // A visitor's sign-out names the visitor, so that instances read one row again.
    await b.publish({ type: 'visitor', id: 'app_1', sub: 'user_0123' });
    await expect
      .poll(() => seenByA.at(-1))
      .toEqual({ type: 'visitor', id: 'app_1', sub: 'user_0123' });
  });

  it('with Redis unreachable: claims fail closed with 503, limits still answer, one warning', async () => {
    const warnings: string[] = [];
    const shared = await createRedisSharedState({
      url: `redis://127.0.0.1:${await closedPort()}`,
      prefix: `test_${randomUUID()}`,
      onWarning: (message) => warnings.push(message),
    });
    opened.push(shared);
    const limiter = shared.limiter('session', 2);
    for (let request = 0; request < 5; request++) {
      const error = await shared.claim(`solution-${request}`, Date.now() + 60_000).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(ProblemError);
      expect(error).toMatchObject({ status: 503, code: 'service_unavailable' });
      // Each instance counts on its own meanwhile: the first two are allowed.
      if (request < 2) expect((await limiter.consume('10.0.0.1')).allowed).toBe(true);
      else await limiter.consume('10.0.0.1');
    }
    expect(await shared.health()).toBe('down');
    // Admission counts in this instance meanwhile, slots included.
    const slot = [{ name: 'visitor-streams', key: 'visitor', limit: 1 }];
    const admitted = await shared.admit([], slot);
    expect(admitted.allowed).toBe(true);
    expect((await shared.admit([], slot)).allowed).toBe(false);
    admitted.release();
    expect((await shared.admit([], slot)).allowed).toBe(true);
    await shared.publish({ type: 'app', id: 'app_1' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Redis is unreachable');
  });
});
