import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { slotRefusal, tightest } from './admit-in-order.ts';
import { createFlexibleLimiter } from './create-flexible-limiter.ts';
import { createMemorySharedState } from './create-memory-shared-state.ts';
import {
  type Admission,
  type ChangeNotice,
  type CounterSpec,
  engineUnavailable,
  type RateLimitResult,
  type SharedState,
  type SlotSpec,
} from './shared-state.ts';

/** How long a slot lives in Redis unless its holder renews it (an instance that dies frees its
 * slots within this time); holders renew at a third of it. */
const leaseMs = 60_000;

// Admits one request in one step: counts each fixed window in order (INCR, expiry set when the
// window opens), stopping at the first over its limit; then takes a lease in every slot set or
// none. KEYS = counter keys, then slot keys. ARGV = counters, slots, now, lease expiry, lease id,
// then limit and window ms per counter, then limit per slot. Returns
// { admitted (1/0), index of the refusing budget (1-based, 0 = none), count, ttl ms, ... }.
const admitScript = `
local counters = tonumber(ARGV[1])
local slots = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local out = {}
for i = 1, counters do
  local limit = tonumber(ARGV[4 + 2 * i])
  local window = tonumber(ARGV[5 + 2 * i])
  local count = redis.call('INCR', KEYS[i])
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[i], window)
    ttl = window
  end
  out[#out + 1] = count
  out[#out + 1] = ttl
  if count > limit then return { 0, i, unpack(out) } end
end
for j = 1, slots do
  local key = KEYS[counters + j]
  local limit = tonumber(ARGV[5 + 2 * counters + j])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  local held = redis.call('ZCARD', key)
  if held >= limit then
    for k = 1, j - 1 do redis.call('ZREM', KEYS[counters + k], ARGV[5]) end
    out[#out + 1] = held
    return { 0, counters + j, unpack(out) }
  end
  redis.call('ZADD', key, ARGV[4], ARGV[5])
  redis.call('PEXPIRE', key, ${leaseMs})
  out[#out + 1] = held + 1
end
return { 1, 0, unpack(out) }
`;

/** Options of {@link createRedisSharedState}. */
export interface RedisSharedStateOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prefix of every key and of the notice channel, so fleets can share one Redis. */
  prefix?: string;
  /** Told, at most once a minute, that Redis is unreachable. */
  onWarning?: (message: string) => void;
  now?: () => number;
}

const isNotice = (value: unknown): value is ChangeNotice => {
  const notice = value as { type?: unknown; id?: unknown; sub?: unknown } | null;
  return (
    typeof notice === 'object' &&
    notice !== null &&
    (notice.type === 'app' ||
      notice.type === 'key' ||
      (notice.type === 'visitor' && typeof notice.sub === 'string')) &&
    typeof notice.id === 'string'
  );
};

/**
 * Shared state in Redis, for several instances acting as one: replay memory as `SET NX` with
 * the challenge's expiry (no count cap), rate limits with rate-limiter-flexible (one atomic
 * round trip each; per-instance memory stands in while Redis is down), concurrency as sorted sets
 * of leases that expire unless renewed, notices by pub/sub.
 * Commands fail at once while Redis is down (no offline queue), so no request hangs on it.
 */
export async function createRedisSharedState({
  url,
  prefix = 'inkeep',
  onWarning,
  now = Date.now,
}: RedisSharedStateOptions): Promise<SharedState> {
  const options = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt: number) => Math.min(attempt * 250, 2000),
  };
  const redis = new Redis(url, { ...options, lazyConnect: true });
  const subscriber = new Redis(url, { ...options, lazyConnect: true, enableOfflineQueue: true });
  const channel = `${prefix}:changes`;
  const listeners = new Set<(notice: ChangeNotice) => void>();
  let roundTrips = 0;
  let lastWarning = Number.NEGATIVE_INFINITY;
  const warn = (error: unknown) => {
    const time = now();
    if (time - lastWarning < 60_000) return;
    lastWarning = time;
    const reason =
      (error as { code?: string; message?: string })?.code ?? (error as Error)?.message;
    onWarning?.(
      `Redis is unreachable (${reason}): rate limits count per instance and proof-of-work sessions are refused until it answers again`,
    );
  };
  redis.on('error', warn);
  subscriber.on('error', warn);
  let subscribedOnce = false;
  subscriber.on('ready', () => {
    // After a reconnect, notices sent meanwhile are lost: tell the caches to reload everything.
    if (subscribedOnce) for (const listener of listeners) listener({ type: 'all' });
    subscribedOnce = true;
  });
  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    let notice: unknown;
    try {
      notice = JSON.parse(text);
    } catch {
      return;
    }
    if (isNotice(notice)) for (const listener of listeners) listener(notice);
  });
  await Promise.all([redis.connect(), subscriber.connect()]).catch(warn);
  await subscriber.subscribe(channel).catch(warn);

  // While Redis is down, admit() counts in this instance, as the limiters' insurance does.
  const insurance = createMemorySharedState({ now });
  const admit = async (
    counters: readonly CounterSpec[],
    slots: readonly SlotSpec[],
  ): Promise<Admission> => {
    const id = randomUUID();
    const counterKeys = counters.map(({ name, key }) => `${prefix}:limit:${name}:${key}`);
    const slotKeys = slots.map(({ name, key }) => `${prefix}:streams:${name}:${key}`);
    const time = now();
    roundTrips++;
    let reply: number[];
    try {
      reply = (await redis.eval(
        admitScript,
        counterKeys.length + slotKeys.length,
        ...counterKeys,
        ...slotKeys,
        counters.length,
        slots.length,
        time,
        time + leaseMs,
        id,
        ...counters.flatMap(({ limit, windowSeconds }) => [limit, windowSeconds * 1000]),
        ...slots.map(({ limit }) => limit),
      )) as number[];
    } catch (error) {
      warn(error);
      return insurance.admit(counters, slots);
    }
    const [admitted, refusedAt = 0, ...values] = reply.map(Number);
    const results = counters
      .slice(0, Math.min(counters.length, values.length / 2))
      .map(({ limit }, index): RateLimitResult => {
        const count = values[2 * index] ?? 0;
        const ttl = values[2 * index + 1] ?? 0;
        const allowed = count <= limit;
        return {
          allowed,
          limit,
          remaining: Math.max(0, limit - count),
          reset: Math.ceil((time + ttl) / 1000),
          retryAfter: allowed ? 0 : Math.max(1, Math.ceil(ttl / 1000)),
          consumed: count,
        };
      });
    if (!admitted) {
      if (refusedAt <= counters.length) {
        return {
          allowed: false,
          result: results[refusedAt - 1] ?? tightest(results),
          budget: counters[refusedAt - 1]?.name ?? 'chat',
          release() {},
        };
      }
      const slot = slots[refusedAt - counters.length - 1];
      return {
        allowed: false,
        result: slotRefusal(slot?.limit ?? 0, values.at(-1) ?? 0, time),
        budget: slot?.name ?? 'chat',
        release() {},
      };
    }
    if (!slotKeys.length) return { allowed: true, result: tightest(results), release() {} };
    const renew = setInterval(() => {
      roundTrips++;
      const pipeline = redis.pipeline();
      for (const key of slotKeys) pipeline.zadd(key, 'XX', now() + leaseMs, id);
      pipeline.exec().catch(warn);
    }, leaseMs / 3);
    renew.unref();
    let released = false;
    return {
      allowed: true,
      result: tightest(results),
      release() {
        if (released) return;
        released = true;
        clearInterval(renew);
        roundTrips++;
        const pipeline = redis.pipeline();
        for (const key of slotKeys) pipeline.zrem(key, id);
        pipeline.exec().catch(warn);
      },
    };
  };

  return {
    engine: 'redis',
    // No count cap: each entry leaves Redis when its challenge expires.
    async claim(key, expiresAtMs) {
      const ttl = Math.max(1, Math.ceil(expiresAtMs - now()));
      roundTrips++;
      try {
        const set = await redis.set(`${prefix}:replay:${key}`, '1', 'PX', ttl, 'NX');
        return set === 'OK' ? 'claimed' : 'replayed';
      } catch (error) {
        warn(error);
        throw engineUnavailable('Redis', error);
      }
    },
    limiter(name, limit, windowSeconds = 60) {
      const counted = createFlexibleLimiter(
        limit,
        (points) =>
          new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `${prefix}:limit:${name}`,
            points,
            duration: windowSeconds,
            rejectIfRedisNotReady: true,
            insuranceLimiter: new RateLimiterMemory({ points, duration: windowSeconds }),
          }),
        warn,
      );
      return {
        consume(key, perCall) {
          roundTrips++;
          return counted.consume(key, perCall);
        },
        peek(key, perCall) {
          roundTrips++;
          return counted.peek(key, perCall);
        },
      };
    },
    admit,
    async publish(notice) {
      roundTrips++;
      try {
        await redis.publish(channel, JSON.stringify(notice));
      } catch (error) {
        // Other instances catch up at their next full refresh.
        warn(error);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async health() {
      try {
        await redis.ping();
        return 'up';
      } catch {
        return 'down';
      }
    },
    get roundTrips() {
      return roundTrips;
    },
    async close() {
      listeners.clear();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
