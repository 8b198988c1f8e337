#!/usr/bin/env node
// A server that has served a scripted day: the demo apps, their activity counts over the last
// 24 hours (and a few earlier days) written as the instances would have written them, then a few
// real conversations through the real routes (sessions, chats over both protocols, feedback, and
// refused requests). Prints `scripted day listening on URL` once done.
//
//   node e2e/activity/serve-scripted-day.mjs --data DIR [--port 0]
import { parseArgs } from 'node:util';
import {
  createMemorySharedState,
  loadAppsFile,
  migrateDatabase,
  openEmbeddedDatabase,
  openStores,
  startServer,
} from '../../dist/server/index.js';

const { values } = parseArgs({
  options: { data: { type: 'string' }, port: { type: 'string', default: '0' } },
});
const hour = 3_600_000;

const database = await openEmbeddedDatabase({ dataDir: values.data });
await migrateDatabase(database);
const shared = createMemorySharedState();
const stores = await openStores({ database, shared });

// The day's traffic of app_demo: quiet at night, busy in the afternoon; some refusals.
const current = Math.floor(Date.now() / hour) * hour;
const counts = [];
for (let ago = 1; ago < 24; ago++) {
  const at = current - ago * hour;
  const load = Math.round(12 + 10 * Math.sin((ago / 24) * 2 * Math.PI));
  counts.push({ appId: 'app_demo', hour: at, kind: 'session_issued', reason: '', count: load });
  counts.push({ appId: 'app_demo', hour: at, kind: 'chat', reason: '', count: load * 2 });
  if (ago % 6 === 0) {
    counts.push({
      appId: 'app_demo',
      hour: at,
      kind: 'chat_refused',
      reason: 'rate_limit_exceeded',
      count: 3,
    });
    counts.push({
      appId: 'app_demo',
      hour: at,
      kind: 'session_refused',
      reason: 'pow_invalid',
      count: 2,
    });
  }
}
// Earlier days, for the 30-day view.
for (let days = 2; days < 10; days++) {
  counts.push({
    appId: 'app_demo',
    hour: current - days * 24 * hour,
    kind: 'chat',
    reason: '',
    count: 40,
  });
}
await stores.activity.add(counts);

const server = await startServer({
  stores,
  shared,
  apps: loadAppsFile('demo/apps.json'),
  port: Number(values.port),
  env: { ...process.env, INKEEP_RESPONDER_TOKEN_DELAY_MS: '1' },
});

// Real traffic of this hour, through the routes.
const origin = new URL(server.url).origin;
async function session(appId, from = origin) {
  return fetch(`${server.url}/run/auth/apps/${appId}/anonymous-session`, {
    method: 'POST',
    headers: { origin: from, 'content-type': 'application/json' },
  });
}
async function visitor(appId) {
  const { token } = await (await session(appId)).json();
  const headers = {
    origin,
    authorization: `Bearer ${token}`,
    'x-inkeep-app-id': appId,
    'content-type': 'application/json',
  };
  return {
    async ask(text, conversationId) {
      const response = await fetch(`${server.url}/run/v1/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          messages: [{ role: 'user', content: text }],
          stream: true,
          ...(conversationId ? { conversationId } : {}),
        }),
      });
      await response.text();
      return response.headers.get('x-inkeep-conversation-id');
    },
    async rate(conversationId, type, details) {
      const read = await fetch(`${server.url}/run/v1/conversations/${conversationId}`, { headers });
      const { data } = await read.json();
      const answer = data.messages.findLast((message) => message.role === 'assistant');
      await fetch(`${server.url}/run/v1/feedback`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          conversationId,
          messageId: answer.id,
          type,
          ...(details ? { details } : {}),
        }),
      });
    },
  };
}

const alice = await visitor('app_demo');
const invoices = await alice.ask('How do I export my invoices?');
await alice.ask('And as CSV?', invoices);
await alice.rate(invoices, 'negative', 'It did not say where the export button is');
const bob = await visitor('app_demo');
const password = await bob.ask('How do I reset my password?');
await bob.rate(password, 'positive');
await bob.ask('Which plans include SSO?');
await session('app_demo', 'https://evil.example');
await fetch(`${server.url}/run/v1/chat/completions`, {
  method: 'POST',
  headers: {
    origin,
    authorization: 'Bearer nope',
    'x-inkeep-app-id': 'app_demo',
    'content-type': 'application/json',
  },
  body: '{"messages":[{"role":"user","content":"hi"}]}',
});

console.log(`scripted day listening on ${server.url}`);
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
