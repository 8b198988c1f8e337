/** Who a request turned out to be from, once a handler knows it (for its log line and metrics). */
export interface RequestFacts {
  /** An app that exists (never an unverified header). */
  appId?: string;
  /** The visitor's `sub` (logged only hashed). */
  visitor?: string;
  /** A stored API key's public id. */
  keyId?: string;
  /** The kind of credential that was accepted. */
  auth?: string;
}

const facts = new WeakMap<Request, RequestFacts>();

/** Adds to what is known of `request`. */
export function noteRequest(request: Request, known: RequestFacts): void {
  facts.set(request, { ...facts.get(request), ...known });
}

/** What {@link noteRequest} recorded for `request`. */
export function factsOf(request: Request): RequestFacts {
  return facts.get(request) ?? {};
}
