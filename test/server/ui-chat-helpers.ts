// Requests of the UI-message-stream chat and of feedback, as the AI SDK and agents-ui send them.
import { type createTestApp, demoOrigin, sseData } from './helpers.ts';

type TestApp = ReturnType<typeof createTestApp>;

/** Options of the request helpers below. */
export interface VisitorRequestOptions {
  headers?: Record<string, string>;
  origin?: string | null;
  ip?: string;
}

function visitorHeaders(token: string | undefined, options: VisitorRequestOptions) {
  const all: Record<string, string> = {
    'content-type': 'application/json',
    'x-inkeep-app-id': 'app_demo',
    ...options.headers,
  };
  if (token !== undefined) all.authorization = `Bearer ${token}`;
  if (options.origin !== null) all.origin = options.origin ?? demoOrigin;
  return all;
}

/** Posts `body` (an object, or a string sent as is) to `path` as a visitor. */
export function postAsVisitor(
  app: TestApp,
  path: string,
  token: string | undefined,
  body: unknown,
  options: VisitorRequestOptions = {},
) {
  return app.request(
    path,
    {
      method: 'POST',
      headers: visitorHeaders(token, options),
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
    options.ip ? { incoming: { socket: { remoteAddress: options.ip } } } : undefined,
  );
}

/** An AI SDK chat body asking `text` (one new user message), with `extra` keys. */
export function uiAsk(text: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'chat-1',
    messages: [{ id: 'user-1', role: 'user', parts: [{ type: 'text', text }] }],
    trigger: 'submit-message',
    ...extra,
  };
}

/** Posts to /run/api/chat. */
export function requestUiChat(
  app: TestApp,
  token: string | undefined,
  body: unknown,
  options: VisitorRequestOptions = {},
) {
  return postAsVisitor(app, '/run/api/chat', token, body, options);
}

/** The events of a UI message stream: JSON chunks, and the final `[DONE]` as a string. */
export function uiEvents(text: string): (Record<string, unknown> | '[DONE]')[] {
  return sseData(text).map((data) => (data === '[DONE]' ? '[DONE]' : JSON.parse(data)));
}

/** The text a UI message stream carried. */
export function uiText(text: string): string {
  return uiEvents(text)
    .map((event) => (event !== '[DONE]' && event.type === 'text-delta' ? event.delta : ''))
    .join('');
}

/** The stored messages of a conversation as `role:content`, read as `token`'s visitor. */
export async function storedMessages(app: TestApp, token: string, id: string | null) {
  const response = await app.request(`/run/v1/conversations/${id}`, {
    headers: { authorization: `Bearer ${token}`, origin: demoOrigin },
  });
  if (response.status !== 200) return response.status;
  const body = (await response.json()) as {
    data: { messages: { id: string; role: string; content: string }[] };
  };
  return body.data.messages;
}
