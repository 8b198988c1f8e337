/** A failed manage-API call, read from its problem+json body. */
export class ManageApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The request field the server named first in `detail` (e.g. `name`, `allowedIps`). */
  readonly field: string | undefined;
  /** Seconds to wait, for 429. */
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { retryAfter?: number | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ManageApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = options.retryAfter;
    // Validation details start with the field's path: "config.webClient.allowedDomains[1] is …",
    // "config.webClient.signingKeys[0].key is …".
    this.field =
      status === 400 ? /^([A-Za-z][\w.]*(?:\[\d+\](?:\.\w+)*)?) /.exec(message)?.[1] : undefined;
  }
}

/** What a person reads for an error: plain words for the statuses the dashboard meets. */
export function describeError(error: unknown): string {
  if (!(error instanceof ManageApiError)) {
    return 'The server could not be reached. Check the connection and try again.';
  }
  switch (error.status) {
    case 401:
      return `The key was not accepted (${error.message}). Sign out and sign in with a valid key.`;
    case 403:
      return `Not allowed: ${error.message}.`;
    case 429:
      return `Too many requests. Try again in ${error.retryAfter ?? 60} seconds.`;
    default:
      return error.message;
  }
}
