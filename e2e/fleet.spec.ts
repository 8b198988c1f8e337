// Several server processes acting as one (no browser): the same DATABASE_URL and REDIS_URL, on
// the throwaway PostgreSQL and Redis of e2e/global-setup.ts (or scripts/test.mjs). Each test gets
// a fresh database and a Redis database number of its own. Plus crash safety of the embedded
// engine on --data DIR, and demo/two-instances.mjs (two instances behind a round-robin proxy).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { solveChallenge } from 'altcha-lib/v1';
import { Redis } from 'ioredis';
import { loadTestEngines } from '../test/setup/engines.ts';
import { type RunningProcess, startApiServer, startProcess } from './servers.ts';

const postgresUrl = process.env.INKEEP_TEST_POSTGRES_URL ?? '';
const redisUrl = process.env.INKEEP_TEST_REDIS_URL ?? '';
const origin = 'http://localhost:5173';
const adminKey = 'fleet-admin-key-fleet-admin-key-0123456789';
const powEnv = {
  INKEEP_POW_HMAC_SECRET: 'fleet-pow-secret-that-is-long-enough-0123',
  INKEEP_POW_DIFFICULTY: '1000',
};
const manageBase = '/manage/tenants/default/projects/default';

test.describe.configure({ timeout: 120_000 });

const started: RunningProcess[] = [];
const folders: string[] = [];
test.afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** `INKEEP_TEST_REDIS_URL` with database number `db`, emptied first. */
async function redisDatabase(db: number): Promise<string> {
  const url = new URL(redisUrl);
  url.pathname = `/${db}`;
  const redis = new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.flushdb();
  redis.disconnect();
  return url.toString();
}

/**
 * Two instances on a fresh database and Redis database `db` (unique per test, so tests may run
 * in parallel), with PoW and the manage API on.
 */
async function fleet(db: number, env: Record<string, string> = {}, args: string[] = []) {
  const { createDatabase } = await loadTestEngines();
  const shared = {
    DATABASE_URL: await createDatabase(postgresUrl, `fleet_${db}_${process.pid}`),
    REDIS_URL: await redisDatabase(db),
    INKEEP_ADMIN_API_KEY: adminKey,
    ...powEnv,
    ...env,
  };
  // Started together, as a rolling deploy does: both seed the config apps at once.
  const [a, b] = await Promise.all([startApiServer(shared, args), startApiServer(shared, args)]);
  started.push(a, b);
  return { a, b, env: shared };
}

/**
 * The `x-inkeep-challenge-solution` header for a fresh challenge from `server`; `seen` collects
 * each challenge's `maxnumber` (it rises with the difficulty level).
 */
async function solve(server: RunningProcess, seen: number[] = []): Promise<string> {
  const response = await fetch(`${server.url}/run/auth/pow/challenge`);
  expect(response.status).toBe(200);
  const challenge = (await response.json()) as {
    algorithm: string;
    challenge: string;
    maxnumber: number;
    salt: string;
    signature: string;
  };
  const solution = await solveChallenge(
    challenge.challenge,
    challenge.salt,
    challenge.algorithm,
    challenge.maxnumber,
  ).promise;
  if (!solution) throw new Error('could not solve the challenge');
  seen.push(challenge.maxnumber);
  const { algorithm, challenge: hash, salt, signature } = challenge;
  return btoa(
    JSON.stringify({ algorithm, challenge: hash, number: solution.number, salt, signature }),
  );
}

function requestSession(
  url: string,
  { solution, headers = {} }: { solution?: string; headers?: Record<string, string> } = {},
) {
  return fetch(`${url}/run/auth/apps/app_demo/anonymous-session`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin,
      ...(solution ? { 'x-inkeep-challenge-solution': solution } : {}),
      ...headers,
    },
    body: '',
  });
}

/** A session token from `server` (solving its proof of work when it asks for one). */
async function tokenFrom(server: RunningProcess, pow = true): Promise<string> {
  const response = await requestSession(server.url, pow ? { solution: await solve(server) } : {});
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

const visitorHeaders = (token: string) => ({
  authorization: `Bearer ${token}`,
  'x-inkeep-app-id': 'app_demo',
  origin,
});

function requestChat(url: string, token: string, content: string, conversationId?: string) {
  return fetch(`${url}/run/v1/chat/completions`, {
    method: 'POST',
    headers: { ...visitorHeaders(token), 'content-type': 'application/json' },
    body: JSON.stringify({
      messages: [{ role: 'user', content }],
      stream: true,
      ...(conversationId ? { conversationId } : {}),
    }),
  });
}

/** The streamed text of an SSE answer, and whether it ended with the `stop` chunk. */
function readStream(text: string) {
  let answer = '';
  let stopped = false;
  for (const block of text.split('\n\n')) {
    if (!block.startsWith('data: ') || block === 'data: [DONE]') continue;
    let chunk: { choices?: { delta?: { content?: string }; finish_reason?: string | null }[] };
    try {
      chunk = JSON.parse(block.slice(6));
    } catch {
      continue; // the last block of a stream cut off mid-way
    }
    answer += chunk.choices?.[0]?.delta?.content ?? '';
    if (chunk.choices?.[0]?.finish_reason === 'stop') stopped = true;
  }
  return { answer, stopped };
}

/** One whole chat turn; fails unless it is answered completely. */
async function chat(url: string, token: string, content: string, conversationId?: string) {
  const response = await requestChat(url, token, content, conversationId);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const { answer, stopped } = readStream(text);
  expect(stopped).toBe(true);
  return { conversationId: response.headers.get('x-inkeep-conversation-id') ?? '', answer };
}

interface ConversationBody {
  data: { id: string; messages: { role: string; content: string }[] };
}

async function readConversation(url: string, token: string, id: string) {
  const response = await fetch(`${url}/run/v1/conversations/${id}`, {
    headers: visitorHeaders(token),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as ConversationBody).data.messages.map(({ role, content }) => [
    role,
    content,
  ]);
}

/**
 * Polls `probe` until `done` holds or 10 s have passed; the last value. The stores' periodic
 * refresh runs every 30 s, so a change seen here came by change notice. (How fast a notice
 * arrives is a timing, which a busy machine stretches: it is not asserted.)
 */
async function beforeAnyRefresh<T>(probe: () => Promise<T>, done: (value: T) => boolean) {
  const deadline = Date.now() + 10_000;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await probe();
  }
  return value;
}

const problemCode = async (response: Response) =>
  ((await response.json()) as { code?: string }).code;

test('a proof-of-work solution accepted by one instance is refused by the other', async () => {
  const { a, b } = await fleet(1);
  const first = await solve(a);
  expect((await requestSession(a.url, { solution: first })).status).toBe(200);
  const replay = await requestSession(b.url, { solution: first });
  expect(replay.status).toBe(400);
  expect(await problemCode(replay)).toBe('pow_invalid');

  // The other way round: a challenge of one is good on the other, once.
  const second = await solve(a);
  expect((await requestSession(b.url, { solution: second })).status).toBe(200);
  const again = await requestSession(a.url, { solution: second });
  expect(again.status).toBe(400);
  expect(await problemCode(again)).toBe('pow_invalid');
});

test('the session rate limit is one budget across the instances, difficulty rising past it', async () => {
  const { a, b } = await fleet(2, { INKEEP_SESSION_RATE_LIMIT: '5' });
  const remaining: number[] = [];
  const maxnumbers: number[] = [];
  for (let request = 0; request < 20; request++) {
    const server = request % 2 === 0 ? a : b;
    const response = await requestSession(server.url, {
      solution: await solve(server, maxnumbers),
    });
    expect(response.status).toBe(200);
    // A budget of 5 at each difficulty level 0–3: 20 a minute, counted once for the fleet.
    expect(response.headers.get('x-ratelimit-limit')).toBe('20');
    remaining.push(Number(response.headers.get('x-ratelimit-remaining')));
  }
  expect(remaining).toEqual(Array.from({ length: 20 }, (_, index) => 19 - index));
  // Each instance asks for four times the work of the level before, by the shared count.
  expect(maxnumbers).toEqual([1000, 4000, 16_000, 64_000].flatMap((n) => Array(5).fill(n)));
  for (const server of [a, b]) {
    const refused = await requestSession(server.url, { solution: await solve(server) });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await problemCode(refused)).toBe('rate_limit_exceeded');
  }
});

test('a conversation started on one instance is listed, read and continued on the other', async () => {
  const { a, b } = await fleet(3);
  const token = await tokenFrom(a);
  const { conversationId, answer } = await chat(a.url, token, 'Hello from A');
  expect(conversationId).toMatch(/^conv_/);

  const list = await fetch(`${b.url}/run/v1/conversations`, { headers: visitorHeaders(token) });
  expect(list.status).toBe(200);
  const listed = (await list.json()) as { data: { id: string }[]; pagination: { total: number } };
  expect(listed.data.map((item) => item.id)).toEqual([conversationId]);
  expect(listed.pagination.total).toBe(1);
  expect(await readConversation(b.url, token, conversationId)).toEqual([
    ['user', 'Hello from A'],
    ['assistant', answer],
  ]);

  const next = await chat(b.url, token, 'And now B', conversationId);
  expect(next.conversationId).toBe(conversationId);
  expect(await readConversation(a.url, token, conversationId)).toEqual([
    ['user', 'Hello from A'],
    ['assistant', answer],
    ['user', 'And now B'],
    ['assistant', next.answer],
  ]);
});

test('a key revoked and an app domain removed on one instance are refused by the other by change notice', async () => {
  const { a, b } = await fleet(4);
  const manage = (server: RunningProcess, path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${manageBase}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${adminKey}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  const created = await manage(a, '/api-keys', {
    method: 'POST',
    body: JSON.stringify({ name: 'fleet', scopes: ['read'] }),
  });
  expect(created.status).toBe(201);
  const { key, data } = (await created.json()) as { key: string; data: { id: string } };
  const listWithKey = async () =>
    (await fetch(`${b.url}/run/v1/conversations`, { headers: { authorization: `Bearer ${key}` } }))
      .status;
  // The other instance learns of the new key by change notice too.
  expect(await beforeAnyRefresh(listWithKey, (status) => status === 200)).toBe(200);
  expect((await manage(a, `/api-keys/${data.id}`, { method: 'DELETE' })).status).toBe(204);
  expect(await beforeAnyRefresh(listWithKey, (status) => status === 401)).toBe(401);

  const token = await tokenFrom(b);
  const listWithToken = () =>
    fetch(`${b.url}/run/v1/conversations`, { headers: visitorHeaders(token) });
  expect((await listWithToken()).status).toBe(200);
  const patched = await manage(a, '/apps/app_demo', {
    method: 'PATCH',
    body: JSON.stringify({ config: { webClient: { allowedDomains: ['docs.example.com'] } } }),
  });
  expect(patched.status).toBe(200);
  const refused = await beforeAnyRefresh(listWithToken, (response) => response.status === 403);
  expect(refused.status).toBe(403);
  expect(await problemCode(refused)).toBe('origin_not_allowed');
  const session = await requestSession(b.url);
  expect(session.status).toBe(403);
  expect(await problemCode(session)).toBe('origin_not_allowed');
});

test('after kill -9 of an instance mid-stream, the other serves the conversation with everything acknowledged', async () => {
  const { a, b } = await fleet(5, {
    INKEEP_RESPONDER: 'echo',
    INKEEP_RESPONDER_TOKEN_DELAY_MS: '40',
  });
  const token = await tokenFrom(a);
  const first = await chat(a.url, token, 'Acknowledged before the crash');
  expect(first.answer).toBe('Acknowledged before the crash');

  // About 250 chunks of 8 characters, 40 ms apart: still streaming when the instance dies.
  const long = `Interrupted ${'lorem ipsum '.repeat(165)}`.trim();
  const response = await requestChat(a.url, token, long, first.conversationId);
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let received = '';
  while ((received.match(/"content":/g) ?? []).length < 3) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended early: ${received}`);
    received += decoder.decode(value, { stream: true });
  }
  process.kill(a.pid, 'SIGKILL');
  // The stream breaks off without its stop chunk.
  let ended = false;
  while (!ended) {
    const next = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (next.value) received += decoder.decode(next.value, { stream: true });
    ended = next.done;
  }
  expect(readStream(received).stopped).toBe(false);

  const stored = await readConversation(b.url, token, first.conversationId);
  expect(stored.slice(0, 3)).toEqual([
    ['user', 'Acknowledged before the crash'],
    ['assistant', 'Acknowledged before the crash'],
    ['user', long],
  ]);
  const after = await chat(b.url, token, 'Continued on B', first.conversationId);
  expect(after.answer).toBe('Continued on B');
  expect((await readConversation(b.url, token, first.conversationId)).slice(-2)).toEqual([
    ['user', 'Continued on B'],
    ['assistant', 'Continued on B'],
  ]);
});

test('kill -9 of a server on --data DIR during a burst of writes loses no answer a client fully received', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'inkeep-fleet-data-'));
  folders.push(dataDir);
  const env = {
    DATABASE_URL: '',
    REDIS_URL: '',
    INKEEP_RESPONDER: 'echo',
    INKEEP_RESPONDER_TOKEN_DELAY_MS: '0',
    INKEEP_SESSION_RATE_LIMIT: '1000',
    INKEEP_CHAT_RATE_LIMIT: '100000',
    // Eight streams at once from one visitor on one IP, and every answer read back.
    INKEEP_IP_CHAT_RATE_LIMIT: '100000',
    INKEEP_VISITOR_CONCURRENT_STREAMS: '100',
    INKEEP_IP_READ_RATE_LIMIT: '100000',
  };
  const server = await startApiServer(env, ['--data', dataDir]);
  started.push(server);
  const token = await tokenFrom(server, false);

  // Eight clients, each starting conversation after conversation until the server dies.
  const received: { conversationId: string; content: string }[] = [];
  let sent = 0;
  let killed = false;
  const client = async (number: number) => {
    while (!killed) {
      const content = `burst ${number}-${sent++}`;
      let response: Response;
      let text: string;
      try {
        response = await requestChat(server.url, token, content);
        text = await response.text();
      } catch {
        return; // the server is gone
      }
      const { answer, stopped } = readStream(text);
      const conversationId = response.headers.get('x-inkeep-conversation-id');
      if (response.status === 200 && stopped && conversationId) {
        expect(answer).toBe(content);
        received.push({ conversationId, content });
      }
      if (received.length >= 60 && !killed) {
        killed = true;
        process.kill(server.pid, 'SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, number) => client(number)));
  expect(killed).toBe(true);
  expect(received.length).toBeGreaterThanOrEqual(60);

  // The same folder again: the dead process's lock is taken over, and every answer is there.
  const restarted = await startApiServer(env, ['--data', dataDir]);
  started.push(restarted);
  for (const { conversationId, content } of received) {
    expect(await readConversation(restarted.url, token, conversationId)).toEqual([
      ['user', content],
      ['assistant', content],
    ]);
  }
  const list = await fetch(`${restarted.url}/run/v1/conversations?limit=1`, {
    headers: visitorHeaders(token),
  });
  const { pagination } = (await list.json()) as { pagination: { total: number } };
  expect(pagination.total).toBeGreaterThanOrEqual(received.length);
  expect(pagination.total).toBeLessThanOrEqual(sent);
});

test('demo/two-instances.mjs: one port, round robin over two instances that act as one', async () => {
  const { createDatabase } = await loadTestEngines();
  const demo = await startProcess('demo/two-instances.mjs', ['--port', '0'], {
    DATABASE_URL: await createDatabase(postgresUrl, `fleet_6_${process.pid}`),
    REDIS_URL: await redisDatabase(6),
    INKEEP_SESSION_RATE_LIMIT: '3',
    INKEEP_RESPONDER: 'echo',
    INKEEP_ANON_JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123',
    INKEEP_RESPONDER_TOKEN_DELAY_MS: '5',
  });
  started.push(demo);
  const served: string[] = [];
  const note = (response: Response) => {
    served.push(response.headers.get('x-inkeep-instance') ?? '?');
    return response;
  };

  // A client that claims another address in X-Forwarded-For is still counted by its own.
  const session = note(
    await requestSession(demo.url, { headers: { 'x-forwarded-for': '203.0.113.1' } }),
  );
  expect(session.status).toBe(200);
  const { token } = (await session.json()) as { token: string };

  const started1 = note(await requestChat(demo.url, token, 'Through the proxy'));
  expect(started1.status).toBe(200);
  expect(started1.headers.get('content-type')).toContain('text/event-stream');
  const first = readStream(await started1.text());
  expect(first).toEqual({ answer: 'Through the proxy', stopped: true });
  const conversationId = started1.headers.get('x-inkeep-conversation-id') ?? '';

  const continued = note(await requestChat(demo.url, token, 'And back', conversationId));
  expect(readStream(await continued.text())).toEqual({ answer: 'And back', stopped: true });
  const read = note(
    await fetch(`${demo.url}/run/v1/conversations/${conversationId}`, {
      headers: visitorHeaders(token),
    }),
  );
  expect(read.status).toBe(200);
  expect(((await read.json()) as ConversationBody).data.messages.map((m) => m.content)).toEqual([
    'Through the proxy',
    'Through the proxy',
    'And back',
    'And back',
  ]);
  expect(served).toEqual(['1', '2', '1', '2']);

  const statuses: number[] = [];
  for (const address of ['203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5']) {
    const response = note(
      await requestSession(demo.url, { headers: { 'x-forwarded-for': address } }),
    );
    statuses.push(response.status);
    await response.body?.cancel();
  }
  // Three sessions a minute for 127.0.0.1, counted across both instances.
  expect(statuses).toEqual([200, 200, 429, 429]);
  expect(served.slice(4)).toEqual(['1', '2', '1', '2']);
});
