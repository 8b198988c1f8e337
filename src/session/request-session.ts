import { errorFromResponse, InkeepChatError, isAbortError } from '../errors.ts';
import { fetchChallenge } from '../pow/fetch-challenge.ts';
import type { SolveChallenge } from '../pow/solve-challenge.ts';
import type { CachedSession } from './create-session-cache.ts';

/** Options of {@link requestSession}. */
export interface RequestSessionOptions {
  baseUrl: string;
  appId: string;
  fetch: typeof globalThis.fetch;
  solveChallenge: SolveChallenge;
  /** The previous, still valid token: sent as Bearer so the visitor keeps their identity. */
  previousToken?: string | undefined;
  /** The page's origin, named in the "not allowed" message. */
  origin?: string | undefined;
  signal?: AbortSignal | undefined;
}

const powRetryCodes = new Set(['pow_invalid', 'pow_expired', 'pow_required']);

/**
 * Gets a new anonymous session: fetches a challenge (404 → none), solves it, and posts to
 * `/run/auth/apps/{appId}/anonymous-session`. A refused solution gets one fresh challenge.
 */
export async function requestSession(options: RequestSessionOptions): Promise<CachedSession> {
  const { baseUrl, appId, fetch, solveChallenge, origin, signal } = options;
  let previousToken = options.previousToken;
  let powRetried = false;
  for (;;) {
    const challenge = await call(() =>
      fetchChallenge(`${baseUrl}/run/auth/pow/challenge`, fetch, signal),
    );
    if (challenge instanceof Response) throw await toSessionError(challenge, origin);
    const solution = challenge ? await solveChallenge(challenge, { signal }) : undefined;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-inkeep-app-id': appId,
    };
    if (solution) headers['x-inkeep-challenge-solution'] = solution;
    if (previousToken) headers.authorization = `Bearer ${previousToken}`;
    const response = await call(() =>
      fetch(`${baseUrl}/run/auth/apps/${encodeURIComponent(appId)}/anonymous-session`, {
        method: 'POST',
        headers,
        body: '',
        signal: signal ?? null,
      }),
    );
    if (response.ok) return await readSession(response);
    const error = await toSessionError(response, origin);
    if (error.serverCode && powRetryCodes.has(error.serverCode) && !powRetried) {
      powRetried = true;
      continue;
    }
    // A previous token the server no longer accepts must not stop a fresh session.
    if (error.serverCode === 'unauthorized' && previousToken) {
      previousToken = undefined;
      continue;
    }
    throw error;
  }
}

/** Options of {@link requestUserSession}. */
export interface RequestUserSessionOptions {
  baseUrl: string;
  appId: string;
  fetch: typeof globalThis.fetch;
  /** The JWT the site's backend signed for its signed-in user. */
  token: string;
  /** The visitor's anonymous session, whose conversations then move to the user. */
  anonymousToken?: string | undefined;
  origin?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Gets a signed-in visitor's session: posts the site's token (and the anonymous session it
 * replaces, if any) to `/run/auth/apps/{appId}/user-session`. No proof of work: the site vouches.
 */
export async function requestUserSession(
  options: RequestUserSessionOptions,
): Promise<CachedSession> {
  const { baseUrl, appId, fetch, token, anonymousToken, origin, signal } = options;
  const response = await call(() =>
    fetch(`${baseUrl}/run/auth/apps/${encodeURIComponent(appId)}/user-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, anonymousToken }),
      signal: signal ?? null,
    }),
  );
  if (response.ok) return readSession(response);
  throw await toSessionError(response, origin);
}

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (isAbortError(error) || error instanceof InkeepChatError) throw error;
    throw new InkeepChatError('network', 'The chat server could not be reached.', { cause: error });
  }
}

async function readSession(response: Response): Promise<CachedSession> {
  const body = (await response.json().catch(() => null)) as {
    token?: unknown;
    expiresAt?: unknown;
  } | null;
  const expiresAt = typeof body?.expiresAt === 'string' ? Date.parse(body.expiresAt) : Number.NaN;
  if (typeof body?.token !== 'string' || !Number.isFinite(expiresAt))
    throw new InkeepChatError('server_error', 'The chat server answered something unreadable.', {
      status: response.status,
    });
  return { token: body.token, expiresAt };
}

/** The session endpoint's failures as errors whose messages the panel shows as they are. */
async function toSessionError(
  response: Response,
  origin: string | undefined,
): Promise<InkeepChatError> {
  const error = await errorFromResponse(response);
  const options = {
    status: error.status,
    retryAfter: error.retryAfter,
    serverCode: error.serverCode,
    cause: error,
  };
  if (response.status === 404)
    return new InkeepChatError(
      'app_not_found',
      'This chat is not available: its app was not found or is disabled.',
      options,
    );
  if (error.serverCode === 'anonymous_disabled')
    return new InkeepChatError(
      'anonymous_disabled',
      'This chat does not accept anonymous visitors.',
      options,
    );
  if (error.serverCode === 'origin_not_allowed')
    return new InkeepChatError(
      'origin_not_allowed',
      origin
        ? `This site (${origin}) is not allowed to use this chat.`
        : 'This site is not allowed to use this chat.',
      options,
    );
  if (error.code === 'rate_limited')
    return new InkeepChatError(
      'rate_limited',
      error.retryAfter
        ? `Too many visitors are starting a chat. Trying again in ${error.retryAfter} s.`
        : 'Too many visitors are starting a chat. Try again in a moment.',
      options,
    );
  if (error.code === 'pow_failed')
    return new InkeepChatError('pow_failed', 'The browser check was refused. Try again.', options);
  if (error.code === 'server_error')
    return new InkeepChatError(
      'server_error',
      'The chat server had a problem. Try again in a moment.',
      options,
    );
  return error;
}
