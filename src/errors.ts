/** Every way the widget can fail, as one string union callers can `switch` on. */
export type InkeepChatErrorCode =
  /** `app-id` or `base-url` missing or malformed. */
  | 'config'
  /** The server could not be reached (network down, DNS, CORS failure). */
  | 'network'
  /** This page's origin is not on the app's domain allowlist. */
  | 'origin_not_allowed'
  /** The app does not allow anonymous sessions. */
  | 'anonymous_disabled'
  /** The app id is unknown or the app is disabled. */
  | 'app_not_found'
  /** The session token was refused even after getting a new one. */
  | 'unauthorized'
  /** The credential lacks permission (e.g. another agent). */
  | 'forbidden'
  /** A conversation or other resource does not exist. */
  | 'not_found'
  /** The server rejected the request as malformed. */
  | 'bad_request'
  /** The message is larger than the server accepts. */
  | 'payload_too_large'
  /** Too many requests; `retryAfter` says how many seconds to wait. */
  | 'rate_limited'
  /** Stored conversations are at their limit: waiting does not help, deleting some does. */
  | 'quota_exceeded'
  /** Proof of work took longer than the time limit. */
  | 'pow_timeout'
  /** Proof of work could not be solved or was refused twice. */
  | 'pow_failed'
  /** The answer stream ended before the server said it was complete. */
  | 'stream_interrupted'
  /** The server reported an error in the middle of the answer stream. */
  | 'stream_error'
  /** The server failed (5xx) or answered something unreadable. */
  | 'server_error';

/** Options carried by an {@link InkeepChatError}. */
export interface InkeepChatErrorOptions {
  status?: number;
  cause?: unknown;
  /** Seconds to wait before retrying (429). */
  retryAfter?: number;
  /** The server's `code` from its problem+json body, when there was one. */
  serverCode?: string;
}

/**
 * The one error class of the widget. `code` says what happened; `status` is the HTTP status
 * when a response caused it; aborts are never wrapped (they stay `AbortError`).
 */
export class InkeepChatError extends Error {
  override readonly name = 'InkeepChatError';
  readonly code: InkeepChatErrorCode;
  readonly status: number | undefined;
  readonly retryAfter: number | undefined;
  readonly serverCode: string | undefined;

  constructor(code: InkeepChatErrorCode, message: string, options: InkeepChatErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryAfter = options.retryAfter;
    this.serverCode = options.serverCode;
  }

  /** True when trying the same thing again later can succeed. */
  get retryable(): boolean {
    return (
      this.code === 'network' ||
      this.code === 'rate_limited' ||
      this.code === 'server_error' ||
      this.code === 'pow_timeout' ||
      this.code === 'pow_failed' ||
      this.code === 'stream_interrupted' ||
      this.code === 'stream_error'
    );
  }
}

/** True for the `AbortError` that `fetch` and our own aborts throw. */
export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AbortError'
  );
}

const serverCodes: Record<string, InkeepChatErrorCode> = {
  bad_request: 'bad_request',
  pow_required: 'pow_failed',
  pow_invalid: 'pow_failed',
  pow_expired: 'pow_failed',
  unauthorized: 'unauthorized',
  anonymous_disabled: 'anonymous_disabled',
  origin_not_allowed: 'origin_not_allowed',
  forbidden: 'forbidden',
  not_found: 'not_found',
  payload_too_large: 'payload_too_large',
  rate_limit_exceeded: 'rate_limited',
  quota_exceeded: 'quota_exceeded',
};

/**
 * Turns a non-OK response into an {@link InkeepChatError}, reading the contract's
 * problem+json body (`code`, `detail`, `error.retry_after`) and the `Retry-After` header.
 */
export async function errorFromResponse(response: Response): Promise<InkeepChatError> {
  let body: { code?: unknown; detail?: unknown; error?: { retry_after?: unknown } } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // A proxy's HTML error page or an empty body: the status alone decides.
  }
  const serverCode = typeof body.code === 'string' ? body.code : undefined;
  const detail = typeof body.detail === 'string' ? body.detail : response.statusText;
  const headerRetry = Number(response.headers.get('retry-after'));
  const bodyRetry = Number(body.error?.retry_after);
  const retryAfter =
    Number.isFinite(headerRetry) && headerRetry > 0
      ? headerRetry
      : Number.isFinite(bodyRetry) && bodyRetry > 0
        ? bodyRetry
        : undefined;
  let code: InkeepChatErrorCode =
    (serverCode && serverCodes[serverCode]) ||
    (response.status === 429
      ? 'rate_limited'
      : response.status === 401
        ? 'unauthorized'
        : response.status === 403
          ? 'forbidden'
          : response.status === 404
            ? 'not_found'
            : response.status === 413
              ? 'payload_too_large'
              : response.status >= 500
                ? 'server_error'
                : 'bad_request');
  if (response.status >= 500) code = 'server_error';
  return new InkeepChatError(code, detail || `HTTP ${response.status}`, {
    status: response.status,
    retryAfter,
    serverCode,
  });
}
