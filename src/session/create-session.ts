import { InkeepChatError } from '../errors.ts';
import {
  solveChallenge as defaultSolveChallenge,
  type SolveChallenge,
} from '../pow/solve-challenge.ts';
import {
  type CachedSession,
  createSessionCache,
  type SessionCache,
} from './create-session-cache.ts';
import { requestSession, requestUserSession } from './request-session.ts';
import { runExclusive } from './run-exclusive.ts';
import { waitFor } from './wait-for.ts';

/** What the interface shows of the session. */
export interface SessionState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error?: InkeepChatError;
  /** When the current token expires (epoch milliseconds). */
  expiresAt?: number;
}

/** Options of {@link createSession}. */
export interface SessionOptions {
  baseUrl: string;
  appId: string;
  /** Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Default {@link createSessionCache}(). */
  cache?: SessionCache;
  /** Default `Date.now`. */
  now?: () => number;
  /** Default: the proof-of-work solver of `src/pow`. */
  solveChallenge?: SolveChallenge;
  /** Serializes session requests across tabs; default `navigator.locks` when present. */
  locks?: LockManager | undefined;
  /** Fires `visibilitychange`; default `globalThis.document`. */
  document?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
  /** Fires `online`; default `globalThis.window`. */
  window?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  /** The page origin named in errors; default `location.origin`. */
  origin?: string | undefined;
  /**
   * A signed-in visitor: returns a JWT the site's backend signed. Called for every new session
   * (before the last one expires, and after a 401); that session is kept in memory only.
   */
  getAuthToken?: (() => string | Promise<string>) | undefined;
}

/** The session of one app (anonymous, or signed in): a token, refreshed before it expires. */
export interface Session {
  /** A valid token from cache, or a new one (PoW when offered). Concurrent callers share one request. */
  getToken(options?: { signal?: AbortSignal | undefined }): Promise<string>;
  /** fetch(baseUrl + path) with Authorization: Bearer <token> and x-inkeep-app-id; on 401 drops the token, gets a new session and retries once. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Start getting a token now without waiting for it (pre-warm); errors go to subscribers. */
  prewarm(): void;
  /** Calls `listener` with the current state now and on every change; returns unsubscribe. */
  subscribe(listener: (state: SessionState) => void): () => void;
  /** Stops timers, listeners, workers and in-flight requests. */
  dispose(): void;
}

/** A token is used while it has more than this left. */
const expiryMargin = 60_000;
/** A token is refreshed this long before it expires (or at half its life, if shorter). */
const refreshLead = 5 * 60_000;
/** setTimeout fires at once for delays above 2^31 - 1 ms (about 24.8 days). */
const maxTimerDelay = 2 ** 31 - 1;
const autoRetryCodes = new Set(['network', 'server_error', 'rate_limited']);

/**
 * Creates the anonymous session of one app.
 * @example
 * const session = createSession({ baseUrl: 'https://api.example.com', appId: 'app_1' });
 * const response = await session.fetch('/run/v1/conversations');
 */
export function createSession(options: SessionOptions): Session {
  const {
    appId,
    fetch = globalThis.fetch.bind(globalThis),
    cache = createSessionCache(),
    now = Date.now,
    solveChallenge = defaultSolveChallenge,
    locks = globalThis.navigator?.locks,
    document = globalThis.document,
    window = globalThis.window,
    origin = globalThis.location?.origin,
    getAuthToken,
  } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const key = `${baseUrl} ${appId}`;
  const controller = new AbortController();
  const listeners = new Set<(state: SessionState) => void>();
  const rejected = new Set<string>();
  let state: SessionState = { status: 'idle' };
  let current: (CachedSession & { refreshAt: number; margin?: number }) | null = null;
  let inflight: Promise<string> | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = 1_000;

  const usable = (
    session: (CachedSession & { margin?: number }) | null | undefined,
  ): session is CachedSession =>
    !!session &&
    session.expiresAt - now() > (session.margin ?? expiryMargin) &&
    !rejected.has(session.token);

  function setState(next: SessionState) {
    state = next;
    for (const listener of [...listeners]) listener(state);
  }

  /** Gets a token other than `replacing`: from the cache if another tab got one, else a new one. */
  function acquire(replacing?: string): Promise<string> {
    inflight ??= (async () => {
      clearTimeout(retryTimer);
      try {
        const session = await runExclusive(
          locks,
          `inkeep-chat:session:${key}`,
          controller.signal,
          async () => {
            const cached = await cache.get(key);
            if (getAuthToken) {
              if (!usable(current)) setState({ status: 'loading' });
              // Signed in: memory only. The anonymous session, if any, hands its
              // conversations over to the user once and is forgotten.
              const fresh = await requestUserSession({
                baseUrl,
                appId,
                fetch,
                origin,
                token: await getAuthToken(),
                anonymousToken: cached?.token,
                signal: controller.signal,
              });
              if (cached) await cache.delete(key);
              return { ...fresh, fromServer: true };
            }
            if (usable(cached) && cached.token !== replacing)
              return { ...cached, fromServer: false };
            if (!usable(current)) setState({ status: 'loading' });
            const previous = [current, cached].find(
              (candidate) =>
                candidate && candidate.expiresAt > now() && !rejected.has(candidate.token),
            );
            const fresh = await requestSession({
              baseUrl,
              appId,
              fetch,
              solveChallenge,
              origin,
              previousToken: previous?.token,
              signal: controller.signal,
            });
            await cache.set(key, fresh);
            return { ...fresh, fromServer: true };
          },
        );
        adopt(session, session.fromServer);
        retryDelay = 1_000;
        return session.token;
      } catch (error) {
        if (controller.signal.aborted) throw error;
        // The caller gets the very error the subscribers saw, so it is recognized as the same.
        throw fail(error);
      }
    })().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  function adopt(session: CachedSession, fromServer: boolean) {
    const lifetime = session.expiresAt - now();
    const lead = fromServer ? Math.min(refreshLead, lifetime / 2) : refreshLead;
    current = {
      token: session.token,
      expiresAt: session.expiresAt,
      refreshAt: session.expiresAt - lead,
      // A short session (a site's token may live minutes) stays usable for most of its life.
      margin: fromServer ? Math.min(expiryMargin, lifetime / 4) : expiryMargin,
    };
    scheduleRefresh();
    setState({ status: 'ready', expiresAt: session.expiresAt });
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    if (!current || controller.signal.aborted) return;
    const delay = Math.min(Math.max(current.refreshAt - now(), 1_000), maxTimerDelay);
    refreshTimer = setTimeout(() => {
      if (current && now() < current.refreshAt) scheduleRefresh();
      else refresh();
    }, delay);
  }

  function refresh() {
    if (controller.signal.aborted || inflight) return;
    acquire(current?.token).catch(() => {});
  }

  function fail(error: unknown): InkeepChatError {
    const reason =
      error instanceof InkeepChatError
        ? error
        : new InkeepChatError('server_error', 'The chat could not start a session.', {
            cause: error,
          });
    if (autoRetryCodes.has(reason.code)) {
      const delay = reason.retryAfter ? reason.retryAfter * 1_000 : retryDelay;
      retryDelay = Math.min(retryDelay * 2, 60_000);
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => {
        if (usable(current)) refresh();
        else prewarm();
      }, delay);
    }
    // A failed background refresh leaves the still valid token in use.
    if (!usable(current)) setState({ status: 'error', error: reason });
    return reason;
  }

  async function getToken({ signal }: { signal?: AbortSignal | undefined } = {}) {
    if (controller.signal.aborted) throw abortError();
    if (usable(current)) return current.token;
    return waitFor(acquire(), signal);
  }

  function drop(token: string) {
    rejected.add(token);
    if (current?.token === token) {
      current = null;
      clearTimeout(refreshTimer);
    }
    void cache
      .get(key)
      .then((cached) => (cached?.token === token ? cache.delete(key) : undefined))
      .catch(() => {});
  }

  async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
    const send = (token: string) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      headers.set('x-inkeep-app-id', appId);
      return fetch(baseUrl + path, { ...init, headers });
    };
    const signal = init.signal ?? undefined;
    const token = await getToken({ signal });
    const response = await send(token);
    if (response.status !== 401) return response;
    await response.body?.cancel().catch(() => {});
    drop(token);
    return send(await getToken({ signal }));
  }

  function prewarm() {
    if (controller.signal.aborted || usable(current)) return;
    acquire().catch(() => {});
  }

  const onVisibilityChange = () => {
    if (document?.visibilityState !== 'visible') return;
    // Timers are throttled in background tabs: catch up when the visitor comes back.
    if (current && now() >= current.refreshAt) refresh();
    else if (state.status === 'error' && state.error?.retryable) prewarm();
  };
  // Back online: try now instead of at the end of the backoff.
  const onOnline = () => {
    if (state.status !== 'error' || state.error?.code !== 'network') return;
    retryDelay = 1_000;
    prewarm();
  };
  document?.addEventListener('visibilitychange', onVisibilityChange);
  window?.addEventListener('online', onOnline);

  return {
    getToken,
    fetch: authorizedFetch,
    prewarm,
    subscribe(listener) {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
    dispose() {
      controller.abort();
      clearTimeout(refreshTimer);
      clearTimeout(retryTimer);
      document?.removeEventListener('visibilitychange', onVisibilityChange);
      window?.removeEventListener('online', onOnline);
      listeners.clear();
    },
  };
}

function abortError(): DOMException {
  return new DOMException('The session was disposed.', 'AbortError');
}
