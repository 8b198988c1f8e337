// Load bench of the Run API server over loopback (the built server in dist/server):
//   - 500 concurrent anonymous-session requests and 200 concurrent chat streams, zero errors
//     expected, with the server's memory before and after;
//   - requests/s of session issuance (no PoW) and of a token-verified chat request (echo
//     responder, no delay), each as a ratio to a bare Hono route measured in the same run;
//   - the same chat request authenticated by API key, as a ratio to the anonymous-token one.
// The servers run in a worker thread so that the load generator (here) does not share their
// event loop. Bounded: fixed request counts, a timeout per request, loopback only.
import { Agent } from 'node:http';
import { Worker } from 'node:worker_threads';
import { ask, measure, send } from './lib/http.mjs';

const origin = 'http://localhost:5173';
const serverModule = new URL('../dist/server/index.js', import.meta.url).href;

// Runs in the worker: the Run API server and a bare Hono route, both on 127.0.0.1:0.
const workerSource = `
import { parentPort } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
const { openServerState, readSettings, startServer } = await import(${JSON.stringify(serverModule)});
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
// One loopback client stands for many visitors here: lift the per-client budgets; thousands of
// conversations come from one visitor and one key: no stored-data quotas (the stores read them).
const env = {
  INKEEP_IP_CHAT_RATE_LIMIT: '1000000',
  INKEEP_IP_CONCURRENT_STREAMS: '100000',
  INKEEP_VISITOR_CONCURRENT_STREAMS: '1000',
  INKEEP_CHAT_DAILY_LIMIT: '100000000',
  INKEEP_QUOTA_VISITOR_CONVERSATIONS: '0',
  INKEEP_QUOTA_VISITOR_BYTES: '0',
};
const { stores, shared } = await openServerState({ settings: readSettings(env).settings });
const { key: apiKey } = await stores.apiKeys.create({
  name: 'bench', tenantId: 'default', projectId: 'default', agentId: null, scopes: ['chat', 'read'],
  expiresAt: null, allowedIps: [], rateLimit: 1000000, signed: false,
});
const server = await startServer({
  stores,
  shared,
  port: 0,
  host: '127.0.0.1',
  env,
  apps: [{ id: 'app_bench', name: 'Bench', config: { webClient: { allowedDomains: ['localhost'] } } }],
  settings: {
    jwtSecret: 'bench-secret-bench-secret-bench-secret-01',
    responder: 'echo',
    tokenDelayMs: 0,
    sessionRateLimit: 1000000,
    chatRateLimit: 1000000,
  },
  onWarning: () => {},
});
const bareApp = new Hono();
bareApp.post('/bare', (c) => c.json({ ok: true }));
const bare = await new Promise((resolve) => {
  const listener = serve({ fetch: bareApp.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
    resolve({ url: 'http://127.0.0.1:' + info.port, listener }),
  );
});
parentPort.on('message', async (message) => {
  if (message === 'memory') {
    for (let round = 0; round < 3; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    parentPort.postMessage({ memory: process.memoryUsage() });
  } else if (message === 'close') {
    await server.close();
    await stores.close();
    bare.listener.close();
    parentPort.postMessage({ closed: true });
  }
});
parentPort.postMessage({ server: server.url, bare: bare.url, apiKey });
`;

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export async function run() {
  const worker = new Worker(workerSource, { eval: true, type: 'module' });
  const { server, bare, apiKey } = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 600 });
  const rows = [];
  try {
    const sessionUrl = `${server}/run/auth/apps/app_bench/anonymous-session`;
    const newSession = async () => {
      const response = await send(agent, sessionUrl, {
        headers: { origin, 'content-type': 'application/json' },
      });
      return response.status === 200 ? JSON.parse(response.text).token : undefined;
    };
    const chat = (token, content, stream) =>
      send(agent, `${server}/run/v1/chat/completions`, {
        headers: {
          authorization: `Bearer ${token}`,
          'x-inkeep-app-id': 'app_bench',
          origin,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ messages: [{ role: 'user', content }], stream }),
      });

    await measure(300, 32, async () => Boolean(await newSession()));
    const before = await ask(worker, 'memory', 'memory');

    const sessions = await Promise.all(
      Array.from({ length: 500 }, () => newSession().catch(() => undefined)),
    );
    rows.push({
      metric: '500 concurrent sessions: errors',
      value: String(sessions.filter((token) => !token).length),
    });

    const message = 'stream me back '.repeat(40);
    const streams = await Promise.all(
      sessions.slice(0, 200).map(async (token) => {
        try {
          const { status, text } = await chat(token, message, true);
          const content = text
            .split('\n\n')
            .filter((block) => block.startsWith('data: {'))
            .map((block) => JSON.parse(block.slice(6)).choices?.[0]?.delta?.content ?? '')
            .join('');
          return status === 200 && text.trimEnd().endsWith('data: [DONE]') && content === message;
        } catch {
          return false;
        }
      }),
    );
    rows.push({
      metric: '200 concurrent streams: errors',
      value: String(streams.filter((ok) => !ok).length),
      note: `${message.length} chars each in ${message.length / 8} chunks, echo responder`,
    });
    const after = await ask(worker, 'memory', 'memory');
    rows.push({
      metric: 'server heap before/after load',
      value: `${mib(before.heapUsed)} → ${mib(after.heapUsed)}`,
      note: 'after GC, server thread; includes the 200 stored conversations',
    });

    const count = 3000;
    const concurrency = 32;
    const token = sessions.find(Boolean);
    const kinds = {
      bare: async () =>
        (
          await send(agent, `${bare}/bare`, {
            headers: { origin, 'content-type': 'application/json' },
          })
        ).status === 200,
      session: async () => Boolean(await newSession()),
      chat: async () => (await chat(token, 'hi', false)).status === 200,
      keyChat: async () =>
        (
          await send(agent, `${server}/run/v1/chat/completions`, {
            headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
            body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream: false }),
          })
        ).status === 200,
    };
    // Interleaved rounds, best of each, so that warm-up and noise hit every kind alike.
    const best = {};
    for (let round = 0; round < 3; round++) {
      for (const [name, attempt] of Object.entries(kinds)) {
        const result = await measure(round === 0 ? 300 : count, concurrency, attempt);
        if (round > 0 && (!best[name] || result.perSecond > best[name].perSecond))
          best[name] = result;
      }
    }
    const ratio = (result) => `${((result.perSecond / best.bare.perSecond) * 100).toFixed(0)}%`;
    rows.push({
      metric: 'bare Hono route',
      value: `${Math.round(best.bare.perSecond)} req/s`,
      note: `best of 2 × ${count} requests, ${concurrency} concurrent, errors ${best.bare.errors}`,
    });
    rows.push({
      metric: 'session issuance (no PoW)',
      value: `${Math.round(best.session.perSecond)} req/s`,
      note: `${ratio(best.session)} of bare (goal ≥ 40%), errors ${best.session.errors}`,
    });
    rows.push({
      metric: 'token-verified chat (echo, stream:false)',
      value: `${Math.round(best.chat.perSecond)} req/s`,
      note: `${ratio(best.chat)} of bare, errors ${best.chat.errors}`,
    });
    rows.push({
      metric: 'chat with API key (echo, stream:false)',
      value: `${Math.round(best.keyChat.perSecond)} req/s`,
      note: `${(best.keyChat.perSecond / best.chat.perSecond).toFixed(2)}× the anonymous-token chat (goal ≥ 0.8), errors ${best.keyChat.errors}`,
    });
  } finally {
    agent.destroy();
    await ask(worker, 'close', 'closed');
    await worker.terminate();
  }
  return rows;
}
