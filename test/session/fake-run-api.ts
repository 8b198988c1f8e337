/** A scripted Run API for session tests: records every request, answers from handlers. */
export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  /** The body, when it was a string. */
  body?: string;
}

type Handler = (request: RecordedRequest, index: number) => Response | Promise<Response>;

export const base = 'https://api.test';
export const challengePath = '/run/auth/pow/challenge';
export const sessionPath = '/run/auth/apps/app_1/anonymous-session';
export const userSessionPath = '/run/auth/apps/app_1/user-session';

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function problem(status: number, code: string, detail = code): Response {
  return json(
    { title: code, status, detail, code, error: { code, message: detail, status } },
    status,
  );
}

export function sessionBody(token: string, expiresAt: number) {
  return json({ token, expiresAt: new Date(expiresAt).toISOString() });
}

/** Builds a fake `fetch`; unknown paths answer 404 (so the challenge route means "no PoW"). */
export function createFakeRunApi(handlers: Record<string, Handler>) {
  const requests: RecordedRequest[] = [];
  const counts = new Map<string, number>();
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const request: RecordedRequest = {
      url,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
    };
    if (typeof init.body === 'string') request.body = init.body;
    requests.push(request);
    const path = url.slice(base.length);
    const handler = handlers[path];
    const index = counts.get(path) ?? 0;
    counts.set(path, index + 1);
    return handler ? handler(request, index) : problem(404, 'not_found', 'PoW is not enabled');
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    requests,
    to: (path: string) => requests.filter((request) => request.url === base + path),
  };
}

/** A LockManager that serializes callbacks per name, as navigator.locks does across tabs. */
export function createFakeLocks(): LockManager {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request(name: string, ...rest: unknown[]) {
      const callback = rest.at(-1) as (lock: Lock | null) => Promise<unknown>;
      const previous = tails.get(name) ?? Promise.resolve();
      const run = previous.catch(() => {}).then(() => callback({ name, mode: 'exclusive' }));
      tails.set(name, run);
      return run;
    },
    query: async () => ({ held: [], pending: [] }),
  } as LockManager;
}
