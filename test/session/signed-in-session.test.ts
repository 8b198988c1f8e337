import 'fake-indexeddb/auto';
import { createStore, keys } from 'idb-keyval';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InkeepChatError } from '../../src/errors.ts';
import { createSession, type SessionOptions } from '../../src/session/create-session.ts';
import { createSessionCache } from '../../src/session/create-session-cache.ts';
import {
  base,
  createFakeRunApi,
  json,
  problem,
  sessionBody,
  sessionPath,
  userSessionPath,
} from './fake-run-api.ts';

const minute = 60_000;
const key = `${base} app_1`;
const chatPath = '/run/v1/chat/completions';

let disposers: Array<() => void> = [];
beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  for (const dispose of disposers) dispose();
  disposers = [];
  vi.useRealTimers();
});

let issued = 0;
/** The user-session route: a new session of `lifetime` for every site token. */
const userSession =
  (lifetime = 10 * minute) =>
  () =>
    sessionBody(`user${++issued}`, Date.now() + lifetime);

function setup(
  handlers: Parameters<typeof createFakeRunApi>[0],
  options: Partial<SessionOptions> = {},
) {
  const api = createFakeRunApi(handlers);
  let signed = 0;
  const getAuthToken = vi.fn(async () => `site${++signed}`);
  const cache = options.cache ?? createSessionCache({ store: null });
  const session = createSession({
    baseUrl: base,
    appId: 'app_1',
    fetch: api.fetch,
    cache,
    now: () => Date.now(),
    locks: undefined,
    document: undefined,
    window: undefined,
    origin: 'https://site.test',
    getAuthToken,
    ...options,
  });
  disposers.push(() => session.dispose());
  return { api, cache, session, getAuthToken };
}

const bodyOf = (request: { body?: string } | undefined) =>
  JSON.parse(request?.body ?? 'null') as Record<string, unknown>;

describe('createSession with getAuthToken (signed-in visitors)', () => {
  it('posts the site token to the user-session route, without proof of work', async () => {
    const { api, session, getAuthToken } = setup({ [userSessionPath]: userSession() });
    const token = await session.getToken();
    expect(token).toMatch(/^user\d+$/);
    expect(getAuthToken).toHaveBeenCalledTimes(1);
    expect(api.to(userSessionPath)).toHaveLength(1);
    expect(bodyOf(api.to(userSessionPath)[0])).toEqual({ token: 'site1' });
    // No challenge, no anonymous session.
    expect(api.requests.map(({ url }) => url)).toEqual([base + userSessionPath]);
  });

  it('asks the site for a new token before the session expires', async () => {
    const { api, session, getAuthToken } = setup({
      [userSessionPath]: userSession(10 * minute),
    });
    const first = await session.getToken();
    // Refreshed at half its life (5 minutes before expiry, capped at half).
    await vi.advanceTimersByTimeAsync(4 * minute);
    expect(getAuthToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2 * minute);
    expect(getAuthToken).toHaveBeenCalledTimes(2);
    expect(bodyOf(api.to(userSessionPath)[1])).toEqual({ token: 'site2' });
    expect(await session.getToken()).not.toBe(first);
  });

  it('uses a short session for most of its life instead of asking on every call', async () => {
    const { session, getAuthToken } = setup({ [userSessionPath]: userSession(20_000) });
    const first = await session.getToken();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await session.getToken()).toBe(first);
    expect(getAuthToken).toHaveBeenCalledTimes(1);
    // At half its life it is renewed in the background.
    await vi.advanceTimersByTimeAsync(6_000);
    expect(getAuthToken).toHaveBeenCalledTimes(2);
  });

  it('on a 401 from the API asks the site for a new token and retries once', async () => {
    const { api, session, getAuthToken } = setup({
      [userSessionPath]: userSession(),
      [chatPath]: (_request, index) =>
        index === 0 ? problem(401, 'unauthorized', 'Invalid end-user JWT') : json({ ok: true }),
    });
    const response = await session.fetch(chatPath, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(getAuthToken).toHaveBeenCalledTimes(2);
    const [first, second] = api.to(chatPath);
    expect(first?.headers.get('authorization')).toBe(`Bearer user${issued - 1}`);
    expect(second?.headers.get('authorization')).toBe(`Bearer user${issued}`);
  });

  it('hands the anonymous session over once, then forgets it', async () => {
    const cache = createSessionCache({ store: null });
    await cache.set(key, { token: 'anonymous-jwt', expiresAt: Date.now() + 60 * minute });
    const { api, session } = setup({ [userSessionPath]: userSession() }, { cache });
    await session.getToken();
    expect(bodyOf(api.to(userSessionPath)[0])).toEqual({
      token: 'site1',
      anonymousToken: 'anonymous-jwt',
    });
    expect(await cache.get(key)).toBeUndefined();
  });

  it('never caches the site token or the user session, through refreshes and 401s', async () => {
    const memory = createSessionCache({ store: null });
    const cache = { ...memory, set: vi.fn(memory.set) };
    const { session, getAuthToken } = setup(
      {
        [userSessionPath]: userSession(20_000),
        [chatPath]: (_request, index) =>
          index === 1 ? problem(401, 'unauthorized', 'Invalid end-user JWT') : json({ ok: true }),
      },
      { cache },
    );
    await session.fetch(chatPath, { method: 'POST' });
    await vi.advanceTimersByTimeAsync(15_000);
    await session.fetch(chatPath, { method: 'POST' });
    expect(getAuthToken).toHaveBeenCalledTimes(3);
    expect(cache.set).not.toHaveBeenCalled();
  });

  it('leaves IndexedDB empty', async () => {
    vi.useRealTimers();
    const store = createStore('inkeep-chat-signed-in-test', 'sessions');
    const { session } = setup(
      { [userSessionPath]: userSession(), [chatPath]: () => json({ ok: true }) },
      { cache: createSessionCache({ store }) },
    );
    await session.fetch(chatPath, { method: 'POST' });
    expect(await keys(store)).toEqual([]);
  });

  it('shows a refused site token as an error the page can read', async () => {
    const { session } = setup({
      [userSessionPath]: () => problem(401, 'user_token_expired', 'The token has expired'),
    });
    const error = (await session.getToken().catch((caught) => caught)) as InkeepChatError;
    expect(error.code).toBe('unauthorized');
    expect(error.serverCode).toBe('user_token_expired');
    expect(error.message).toBe('The token has expired');
  });

  it('tries again with backoff when the site cannot give a token', async () => {
    let calls = 0;
    const getAuthToken = vi.fn(async () => {
      calls++;
      if (calls === 1) throw new TypeError('Failed to fetch');
      return 'site-token';
    });
    const { api, session } = setup({ [userSessionPath]: userSession() }, { getAuthToken });
    const error = (await session.getToken().catch((caught) => caught)) as InkeepChatError;
    expect(error.code).toBe('server_error');
    expect(api.to(userSessionPath)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(getAuthToken).toHaveBeenCalledTimes(2);
    expect(api.to(userSessionPath)).toHaveLength(1);
  });

  it('stays anonymous without getAuthToken', async () => {
    const { api, session } = setup(
      { [sessionPath]: () => sessionBody('anon', Date.now() + 60 * minute) },
      { getAuthToken: undefined },
    );
    expect(await session.getToken()).toBe('anon');
    expect(api.to(userSessionPath)).toHaveLength(0);
  });
});
