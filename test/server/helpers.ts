import { solveChallenge } from 'altcha-lib/v1';
import { expect } from 'vitest';
import {
  type ApiKeyInput,
  createMemorySharedState,
  createServerApp,
  type ServerAppOptions,
} from '../../src/server/index.ts';
import { withTestLog } from './log-capture.ts';
import { createTestStores } from './test-database.ts';

export { withTestLog };

/** The JWT secret every test server uses. */
export const secret = 'test-secret-test-secret-test-secret-0123';
/**
 * A problem+json body as the server sends it: `body` plus the request's id (which matches the
 * response's `x-request-id`; test/server/logs checks that).
 */
export function problemBodyOf<T extends Record<string, unknown>>(body: T) {
  return { ...body, requestId: expect.any(String) as unknown as string };
}

/** The 401 body of a session token that is no longer (or never was) valid. */
export const invalidJwtProblem = problemBodyOf({
  title: 'Unauthorized',
  status: 401,
  detail: 'Invalid end-user JWT',
  code: 'unauthorized',
  error: { code: 'unauthorized', message: 'Invalid end-user JWT', status: 401 },
});

/** An origin on app_demo's allowlist. */
export const demoOrigin = 'http://localhost:5173';

/** The four apps of demo/apps.json, plus an api-type app. */
export const testApps = [
  {
    id: 'app_demo',
    name: 'Demo',
    defaultAgentId: 'agent_demo',
    config: { webClient: { allowedDomains: ['localhost', '127.0.0.1'], allowAnonymous: true } },
  },
  {
    id: 'app_restricted',
    name: 'Restricted',
    defaultAgentId: 'agent_demo',
    config: { webClient: { allowedDomains: ['docs.example.com'] } },
  },
  {
    id: 'app_private',
    name: 'Private',
    config: { webClient: { allowedDomains: ['localhost'], allowAnonymous: false } },
  },
  {
    id: 'app_disabled',
    name: 'Disabled',
    enabled: false,
    config: { webClient: { allowedDomains: ['localhost'] } },
  },
  { id: 'app_api', name: 'Api', type: 'api' },
];

/**
 * A test server with the test apps, no token delay, its log captured (test/setup/log-secrecy.ts
 * checks it for secrets), and the given overrides. Its state is a
 * fresh schema of the process's test database (see test-database.ts) unless `stores` or
 * `dataDir` is given.
 */
export function createTestApp(options: ServerAppOptions = {}) {
  const shared = options.shared ?? createMemorySharedState(options.now ? { now: options.now } : {});
  const stores =
    options.stores ??
    (options.dataDir
      ? undefined
      : createTestStores({ shared, ...(options.now ? { now: options.now } : {}) }));
  // Its request log goes to the capture the setup file checks for secrets (log-capture.ts).
  return createServerApp(
    withTestLog({
      apps: testApps,
      ...options,
      shared,
      ...(stores ? { stores } : {}),
      settings: { jwtSecret: secret, tokenDelayMs: 0, ...options.settings },
    }),
  );
}

type TestApp = ReturnType<typeof createTestApp>;

/** Requests an anonymous session; returns the response. */
export function requestSession(
  app: TestApp,
  {
    appId = 'app_demo',
    origin = demoOrigin,
    headers = {},
    ip = '10.0.0.1',
  }: { appId?: string; origin?: string | null; headers?: Record<string, string>; ip?: string } = {},
) {
  const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (origin !== null) all.origin = origin;
  return app.request(
    `/run/auth/apps/${appId}/anonymous-session`,
    { method: 'POST', headers: all, body: '' },
    { incoming: { socket: { remoteAddress: ip } } },
  );
}

/** Gets a session token for app_demo. */
export async function getToken(app: TestApp, appId = 'app_demo'): Promise<string> {
  const response = await requestSession(app, { appId });
  if (response.status !== 200)
    throw new Error(`session: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** Posts to /run/v1/chat/completions with a token. */
export function requestChat(
  app: TestApp,
  token: string | undefined,
  body: unknown,
  {
    headers = {},
    origin = demoOrigin,
    appId = 'app_demo',
    ip,
  }: {
    headers?: Record<string, string>;
    origin?: string | null;
    appId?: string | null;
    /** The client address the request comes from (default: none, counted as `unknown`). */
    ip?: string;
  } = {},
) {
  const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (token !== undefined) all.authorization = `Bearer ${token}`;
  if (appId !== null) all['x-inkeep-app-id'] = appId;
  if (origin !== null) all.origin = origin;
  return app.request(
    '/run/v1/chat/completions',
    { method: 'POST', headers: all, body: typeof body === 'string' ? body : JSON.stringify(body) },
    ip ? { incoming: { socket: { remoteAddress: ip } } } : undefined,
  );
}

/** The `data:` payloads of an SSE body. */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice(6));
}

/** The text streamed in an SSE chat response. */
export function streamedText(text: string): string {
  return sseData(text)
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as { choices?: { delta?: { content?: string } }[] })
    .map((chunk) => chunk.choices?.[0]?.delta?.content ?? '')
    .join('');
}

/** The server's default, classic ALTCHA challenge as served by `/run/auth/pow/challenge`. */
export interface ClassicChallenge {
  algorithm: string;
  challenge: string;
  maxnumber: number;
  salt: string;
  signature: string;
}

/**
 * Solves a classic challenge with altcha-lib's own solver and returns the
 * `x-inkeep-challenge-solution` header; `change` may tamper with the payload first.
 */
export async function solveClassicChallenge(
  challenge: ClassicChallenge,
  change: (payload: Record<string, unknown>) => void = () => {},
): Promise<string> {
  const solution = await solveChallenge(
    challenge.challenge,
    challenge.salt,
    challenge.algorithm,
    challenge.maxnumber,
  ).promise;
  if (!solution) throw new Error('altcha-lib could not solve the challenge');
  const { algorithm, challenge: hash, salt, signature } = challenge;
  const payload: Record<string, unknown> = {
    algorithm,
    challenge: hash,
    number: solution.number,
    salt,
    signature,
  };
  change(payload);
  return btoa(JSON.stringify(payload));
}

/** A key definition in the default project (`chat` and `read`); `overrides` change any field. */
export function keyInput(overrides: Partial<ApiKeyInput> = {}): ApiKeyInput {
  return {
    name: 'test',
    tenantId: 'default',
    projectId: 'default',
    agentId: null,
    scopes: ['chat', 'read'],
    expiresAt: null,
    allowedIps: [],
    rateLimit: null,
    signed: false,
    ...overrides,
  };
}
