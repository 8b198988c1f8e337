import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InkeepChatError } from '../../src/errors.ts';
import { createSession, type SessionOptions } from '../../src/session/create-session.ts';
import { createSessionCache } from '../../src/session/create-session-cache.ts';
import {
  base,
  challengePath,
  createFakeLocks,
  createFakeRunApi,
  json,
  problem,
  sessionBody,
  sessionPath,
} from './fake-run-api.ts';

const minute = 60_000;
const day = 24 * 60 * minute;
const key = `${base} app_1`;

let disposers: Array<() => void> = [];
beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  for (const dispose of disposers) dispose();
  disposers = [];
  vi.useRealTimers();
});

function setup(
  handlers: Parameters<typeof createFakeRunApi>[0],
  options: Partial<SessionOptions> = {},
) {
  const api = createFakeRunApi(handlers);
  const cache = options.cache ?? createSessionCache({ store: null });
  const session = createSession({
    baseUrl: `${base}/`,
    appId: 'app_1',
    fetch: api.fetch,
    cache,
    now: () => Date.now(),
    locks: undefined,
    document: undefined,
    window: undefined,
    origin: 'https://site.test',
    ...options,
  });
  disposers.push(() => session.dispose());
  return { api, cache, session };
}

let issued = 0;
const issue =
  (lifetime = 30 * day) =>
  () =>
    sessionBody(`jwt${++issued}`, Date.now() + lifetime);

describe('createSession', () => {
  it('gets a session without PoW when the challenge route answers 404, and caches it', async () => {
    const { api, cache, session } = setup({
      [sessionPath]: () => sessionBody('jwt', Date.now() + day),
    });
    const states: string[] = [];
    session.subscribe((state) => states.push(state.status));
    expect(await session.getToken()).toBe('jwt');
    expect(api.requests.map((request) => request.url)).toEqual([
      base + challengePath,
      base + sessionPath,
    ]);
    const [post] = api.to(sessionPath);
    expect(post?.method).toBe('POST');
    expect(post?.headers.get('content-type')).toBe('application/json');
    expect(post?.headers.get('x-inkeep-app-id')).toBe('app_1');
    expect(post?.headers.has('authorization')).toBe(false);
    expect(post?.headers.has('x-inkeep-challenge-solution')).toBe(false);
    expect(states).toEqual(['idle', 'loading', 'ready']);
    expect(await cache.get(key)).toEqual({ token: 'jwt', expiresAt: Date.now() + day });
  });

  it('uses a cached token with more than 60 s left without any request', async () => {
    const cache = createSessionCache({ store: null });
    await cache.set(key, { token: 'cached', expiresAt: Date.now() + 61_000 });
    const { api, session } = setup({ [sessionPath]: issue() }, { cache });
    expect(await session.getToken()).toBe('cached');
    expect(api.requests).toHaveLength(0);
  });

  it('replaces a token with 60 s or less left, sending it as Bearer (rolling refresh)', async () => {
    const cache = createSessionCache({ store: null });
    await cache.set(key, { token: 'old', expiresAt: Date.now() + 60_000 });
    const { api, session } = setup(
      { [sessionPath]: () => sessionBody('new', Date.now() + day) },
      { cache },
    );
    expect(await session.getToken()).toBe('new');
    expect(api.to(sessionPath)[0]?.headers.get('authorization')).toBe('Bearer old');
    expect((await cache.get(key))?.token).toBe('new');
  });

  it('does not send an expired token', async () => {
    const cache = createSessionCache({ store: null });
    await cache.set(key, { token: 'expired', expiresAt: Date.now() - 1 });
    const { api, session } = setup({ [sessionPath]: issue() }, { cache });
    await session.getToken();
    expect(api.to(sessionPath)[0]?.headers.has('authorization')).toBe(false);
  });

  it('shares one request between concurrent callers', async () => {
    const { api, session } = setup({ [sessionPath]: issue() });
    session.prewarm();
    const tokens = await Promise.all([session.getToken(), session.getToken(), session.getToken()]);
    expect(new Set(tokens).size).toBe(1);
    expect(api.to(sessionPath)).toHaveLength(1);
  });

  it('refreshes on a timer before expiry, with the old token as Bearer', async () => {
    const { api, session } = setup({ [sessionPath]: issue(day) });
    const first = await session.getToken();
    await vi.advanceTimersByTimeAsync(day - 6 * minute);
    expect(api.to(sessionPath)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2 * minute);
    expect(api.to(sessionPath)).toHaveLength(2);
    expect(api.to(sessionPath)[1]?.headers.get('authorization')).toBe(`Bearer ${first}`);
    expect(await session.getToken()).not.toBe(first);
  });

  it('arms timers for 30-day tokens without overflowing setTimeout', async () => {
    const { api, session } = setup({ [sessionPath]: issue(30 * day) });
    await session.getToken();
    await vi.advanceTimersByTimeAsync(25 * day);
    expect(api.to(sessionPath)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5 * day);
    expect(api.to(sessionPath)).toHaveLength(2);
  });

  it('refreshes a stale token when the page becomes visible again', async () => {
    const page = Object.assign(new EventTarget(), {
      visibilityState: 'hidden' as DocumentVisibilityState,
    });
    const cache = createSessionCache({ store: null });
    await cache.set(key, { token: 'old', expiresAt: Date.now() + 3 * minute });
    const { api, session } = setup({ [sessionPath]: issue() }, { cache, document: page });
    expect(await session.getToken()).toBe('old');
    page.dispatchEvent(new Event('visibilitychange'));
    expect(api.to(sessionPath)).toHaveLength(0);
    page.visibilityState = 'visible';
    page.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(0);
    expect(api.to(sessionPath)).toHaveLength(1);
    expect(api.to(sessionPath)[0]?.headers.get('authorization')).toBe('Bearer old');
  });

  it('authorizes fetch with the token and app id', async () => {
    const { api, session } = setup({
      [sessionPath]: () => sessionBody('jwt', Date.now() + day),
      '/run/v1/conversations': () => json({ data: [] }),
    });
    const response = await session.fetch('/run/v1/conversations', { headers: { accept: 'x/y' } });
    expect(response.status).toBe(200);
    const [call] = api.to('/run/v1/conversations');
    expect(call?.headers.get('authorization')).toBe('Bearer jwt');
    expect(call?.headers.get('x-inkeep-app-id')).toBe('app_1');
    expect(call?.headers.get('accept')).toBe('x/y');
  });

  it('on 401 drops the token, gets a new session and retries once', async () => {
    const cache = createSessionCache({ store: null });
    await cache.set(key, { token: 'revoked', expiresAt: Date.now() + day });
    const { api, session } = setup(
      {
        [sessionPath]: () => sessionBody('fresh', Date.now() + day),
        '/run/v1/chat/completions': (request) =>
          request.headers.get('authorization') === 'Bearer fresh'
            ? json({ ok: true })
            : problem(401, 'unauthorized', 'Invalid end-user JWT'),
      },
      { cache },
    );
    const response = await session.fetch('/run/v1/chat/completions', {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(api.to('/run/v1/chat/completions')).toHaveLength(2);
    expect(api.to(sessionPath)).toHaveLength(1);
    // The refused token is neither reused nor sent for a rolling refresh.
    expect(api.to(sessionPath)[0]?.headers.has('authorization')).toBe(false);
    expect((await cache.get(key))?.token).toBe('fresh');
  });

  it('returns the second 401 instead of retrying again', async () => {
    const { api, session } = setup({
      [sessionPath]: issue(),
      '/run/v1/chat/completions': () => problem(401, 'unauthorized', 'Invalid end-user JWT'),
    });
    const response = await session.fetch('/run/v1/chat/completions', { method: 'POST' });
    expect(response.status).toBe(401);
    expect(api.to('/run/v1/chat/completions')).toHaveLength(2);
    expect(api.to(sessionPath)).toHaveLength(2);
  });

  it('solves an offered challenge and sends the solution header', async () => {
    const solveChallenge = vi.fn(async () => 'c29sdXRpb24=');
    const { api, session } = setup(
      {
        [challengePath]: () =>
          json({ algorithm: 'SHA-256', challenge: 'c', salt: 's', signature: 'x' }),
        [sessionPath]: issue(),
      },
      { solveChallenge },
    );
    await session.getToken();
    expect(solveChallenge).toHaveBeenCalledTimes(1);
    expect(api.to(sessionPath)[0]?.headers.get('x-inkeep-challenge-solution')).toBe('c29sdXRpb24=');
  });

  it('gets a fresh challenge once when the solution is refused, then fails', async () => {
    const solveChallenge = vi.fn(async () => 'solution');
    const { api, session } = setup(
      {
        [challengePath]: () =>
          json({ algorithm: 'SHA-256', challenge: 'c', salt: 's', signature: 'x' }),
        [sessionPath]: (_, index) =>
          index === 0 ? problem(400, 'pow_expired') : problem(400, 'pow_invalid'),
      },
      { solveChallenge },
    );
    const error = (await session.getToken().catch((error) => error)) as InkeepChatError;
    expect(error.code).toBe('pow_failed');
    expect(api.to(challengePath)).toHaveLength(2);
    expect(api.to(sessionPath)).toHaveLength(2);
  });

  it.each([
    [problem(404, 'not_found'), 'app_not_found', /not found/],
    [problem(401, 'anonymous_disabled'), 'anonymous_disabled', /anonymous/],
    [
      problem(403, 'origin_not_allowed'),
      'origin_not_allowed',
      /This site \(https:\/\/site\.test\) is not allowed/,
    ],
    [problem(500, 'boom'), 'server_error', /problem/],
  ])('maps %# to a readable error and an error state', async (response, code, message) => {
    const { session } = setup({ [sessionPath]: () => response.clone() });
    const states: Array<{ status: string; error?: InkeepChatError }> = [];
    session.subscribe((state) => states.push(state));
    const error = (await session.getToken().catch((error) => error)) as InkeepChatError;
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(states.at(-1)).toEqual({ status: 'error', error });
  });

  it('reports an unreachable server as `network` and retries with backoff', async () => {
    let down = true;
    const { api, session } = setup({
      [sessionPath]: () => {
        if (down) throw new TypeError('Failed to fetch');
        return sessionBody('jwt', Date.now() + day);
      },
    });
    const states: string[] = [];
    session.subscribe((state) => states.push(state.error?.code ?? state.status));
    const error = (await session.getToken().catch((error) => error)) as InkeepChatError;
    expect(error.code).toBe('network');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(api.to(sessionPath)).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(api.to(sessionPath)).toHaveLength(2);
    down = false;
    await vi.advanceTimersByTimeAsync(1);
    expect(api.to(sessionPath)).toHaveLength(3);
    expect(states.at(-1)).toBe('ready');
  });

  it('tries again at once when the browser comes back online', async () => {
    let down = true;
    const network = new EventTarget() as Window;
    const { api, session } = setup(
      {
        [sessionPath]: () => {
          if (down) throw new TypeError('Failed to fetch');
          return sessionBody('jwt', Date.now() + day);
        },
      },
      { window: network },
    );
    await session.getToken().catch(() => {});
    down = false;
    network.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(api.to(sessionPath)).toHaveLength(2);
    expect(await session.getToken()).toBe('jwt');
  });

  it('reports a failing challenge route like a failing session route', async () => {
    const { api, session } = setup({ [challengePath]: () => problem(503, 'unavailable') });
    const error = (await session.getToken().catch((error) => error)) as InkeepChatError;
    expect(error.code).toBe('server_error');
    expect(api.to(sessionPath)).toHaveLength(0);
  });

  it('rejects with the very error its subscribers were shown, so it is announced once', async () => {
    const broken = new Error('storage exploded');
    const { session } = setup(
      {},
      {
        cache: {
          get: () => Promise.reject(broken),
          set: async () => {},
          delete: async () => {},
        },
      },
    );
    const shown: unknown[] = [];
    session.subscribe((state) => {
      if (state.error) shown.push(state.error);
    });
    const error = (await session.getToken().catch((error) => error)) as InkeepChatError;
    expect(error.code).toBe('server_error');
    expect(error.cause).toBe(broken);
    expect(shown).toEqual([error]);
    expect(shown[0]).toBe(error);
  });

  it('stops notifying after unsubscribe', async () => {
    const { session } = setup({ [sessionPath]: issue() });
    const listener = vi.fn();
    const unsubscribe = session.subscribe(listener);
    expect(listener).toHaveBeenLastCalledWith({ status: 'idle' });
    unsubscribe();
    await session.getToken();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('waits Retry-After before trying again when rate limited', async () => {
    const { api, session } = setup({
      [sessionPath]: (_, index) =>
        index === 0
          ? json(
              { code: 'rate_limit_exceeded', detail: 'Too many', error: { retry_after: 30 } },
              429,
              { 'retry-after': '30' },
            )
          : sessionBody('jwt', Date.now() + day),
    });
    const error = (await session.getToken().catch((error) => error)) as InkeepChatError;
    expect(error).toMatchObject({ code: 'rate_limited', retryAfter: 30 });
    expect(error.message).toMatch(/30 s/);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(api.to(sessionPath)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.to(sessionPath)).toHaveLength(2);
  });

  it('asks again without the old token when the server refuses it', async () => {
    const cache = createSessionCache({ store: null });
    await cache.set(key, { token: 'foreign', expiresAt: Date.now() + 30_000 });
    const { api, session } = setup(
      {
        [sessionPath]: (request) =>
          request.headers.has('authorization')
            ? problem(401, 'unauthorized', 'Invalid end-user JWT')
            : sessionBody('jwt', Date.now() + day),
      },
      { cache },
    );
    expect(await session.getToken()).toBe('jwt');
    expect(api.to(sessionPath)).toHaveLength(2);
  });

  it('does not retry by itself when the failure needs a person (not allowed, disabled)', async () => {
    const { api, session } = setup({ [sessionPath]: () => problem(403, 'origin_not_allowed') });
    await session.getToken().catch(() => {});
    await vi.advanceTimersByTimeAsync(10 * minute);
    expect(api.to(sessionPath)).toHaveLength(1);
    session.prewarm();
    await vi.advanceTimersByTimeAsync(0);
    expect(api.to(sessionPath)).toHaveLength(2);
  });

  it('makes one request across tabs: a tab that waited reads the token the other cached', async () => {
    const cache = createSessionCache({ store: null });
    const locks = createFakeLocks();
    const tab1 = setup({ [sessionPath]: issue() }, { cache, locks });
    const tab2 = setup({ [sessionPath]: issue() }, { cache, locks });
    const [a, b] = await Promise.all([tab1.session.getToken(), tab2.session.getToken()]);
    expect(a).toBe(b);
    expect(tab1.api.to(sessionPath).length + tab2.api.to(sessionPath).length).toBe(1);
  });

  it('carries on without Web Locks when they are refused', async () => {
    const locks = {
      request: async () => {
        throw new DOMException('The request was denied.', 'SecurityError');
      },
    } as unknown as LockManager;
    const { session } = setup(
      { [sessionPath]: () => sessionBody('jwt', Date.now() + day) },
      { locks },
    );
    expect(await session.getToken()).toBe('jwt');
  });

  it('works with a memory-only cache', async () => {
    const { api, session } = setup(
      { [sessionPath]: issue() },
      { cache: createSessionCache({ store: null }) },
    );
    const token = await session.getToken();
    expect(await session.getToken()).toBe(token);
    expect(api.to(sessionPath)).toHaveLength(1);
  });

  it('lets a caller stop waiting without cancelling the shared request', async () => {
    const { api, session } = setup({ [sessionPath]: issue() });
    const controller = new AbortController();
    const waiting = session.getToken({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await session.getToken();
    expect(api.to(sessionPath)).toHaveLength(1);
  });

  it('stops timers and listeners on dispose', async () => {
    const { api, session } = setup({ [sessionPath]: issue(day) });
    const listener = vi.fn();
    session.subscribe(listener);
    await session.getToken();
    session.dispose();
    await vi.advanceTimersByTimeAsync(2 * day);
    expect(api.to(sessionPath)).toHaveLength(1);
    await expect(session.getToken()).rejects.toMatchObject({ name: 'AbortError' });
    expect(vi.getTimerCount()).toBe(0);
  });
});
