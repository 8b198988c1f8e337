// Load bench of the Run API server over loopback (built server in dist/server):
//   - 500 concurrent anonymous-session requests and 200 concurrent chat streams, zero errors
//     expected, with memory before and after;
//   - requests/s of session issuance (no PoW) and of a token-verified chat request (echo
//     responder, no delay), each as a ratio to a bare Hono route measured in the same run.
// Bounded: fixed request counts, a timeout per request, loopback only.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const origin = 'http://localhost:5173';
const secret = 'bench-secret-bench-secret-bench-secret-01';
const timeout = () => AbortSignal.timeout(30_000);

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

// A collector for honest memory numbers even without `node --expose-gc`.
function collector() {
  if (globalThis.gc) return globalThis.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

async function settle() {
  const gc = collector();
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage();
}

/** Runs `count` requests, `concurrency` at a time; returns requests/s and the error count. */
async function measure(count, concurrency, request) {
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        try {
          if (!(await request())) errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), errors };
}

function startBare() {
  const app = new Hono();
  app.post('/bare', (c) => c.json({ ok: true }));
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}

export async function run() {
  const { startServer } = await import(new URL('../dist/server/index.js', import.meta.url).href);
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    env: {},
    apps: [
      {
        id: 'app_bench',
        name: 'Bench',
        config: { webClient: { allowedDomains: ['localhost'], allowAnonymous: true } },
      },
    ],
    settings: {
      jwtSecret: secret,
      responder: 'echo',
      tokenDelayMs: 0,
      sessionRateLimit: 1_000_000,
      chatRateLimit: 1_000_000,
    },
    onWarning: () => {},
  });
  const bare = await startBare();
  const rows = [];
  try {
    const sessionUrl = `${server.url}/run/auth/apps/app_bench/anonymous-session`;
    const newSession = async () => {
      const response = await fetch(sessionUrl, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        signal: timeout(),
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return undefined;
      }
      return (await response.json()).token;
    };
    const chat = (token, content, stream) =>
      fetch(`${server.url}/run/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'x-inkeep-app-id': 'app_bench',
          origin,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ messages: [{ role: 'user', content }], stream }),
        signal: timeout(),
      });

    // Warm up both servers and the client's connection pool.
    await measure(300, 20, async () => Boolean(await newSession()));
    const before = await settle();

    const sessions = await Promise.all(
      Array.from({ length: 500 }, () => newSession().catch(() => undefined)),
    );
    const sessionErrors = sessions.filter((token) => !token).length;
    rows.push({ metric: '500 concurrent sessions: errors', value: String(sessionErrors) });

    const message = 'stream me back '.repeat(40);
    const streams = await Promise.all(
      sessions.slice(0, 200).map(async (token) => {
        try {
          const response = await chat(token, message, true);
          const text = await response.text();
          const content = text
            .split('\n\n')
            .filter((block) => block.startsWith('data: {'))
            .map((block) => JSON.parse(block.slice(6)).choices?.[0]?.delta?.content ?? '')
            .join('');
          return (
            response.status === 200 &&
            text.trimEnd().endsWith('data: [DONE]') &&
            content === message
          );
        } catch {
          return false;
        }
      }),
    );
    rows.push({
      metric: '200 concurrent streams: errors',
      value: String(streams.filter((ok) => !ok).length),
      note: `${message.length} chars each, echo responder`,
    });
    const after = await settle();
    rows.push({
      metric: 'memory before/after load (heap)',
      value: `${mib(before.heapUsed)} → ${mib(after.heapUsed)}`,
      note: `rss ${mib(before.rss)} → ${mib(after.rss)}; after GC; client and server share the process, 500 keep-alive sockets still open`,
    });

    const count = 3000;
    const concurrency = 32;
    const bareRequest = async () => {
      const response = await fetch(`${bare.url}/bare`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        signal: timeout(),
      });
      await response.arrayBuffer();
      return response.status === 200;
    };
    await measure(300, concurrency, bareRequest);
    const bareResult = await measure(count, concurrency, bareRequest);
    const sessionResult = await measure(count, concurrency, async () =>
      Boolean(await newSession()),
    );
    const token = sessions.find(Boolean);
    const chatResult = await measure(count, concurrency, async () => {
      const response = await chat(token, 'hi', false);
      await response.arrayBuffer();
      return response.status === 200;
    });
    rows.push({
      metric: 'bare Hono route',
      value: `${Math.round(bareResult.perSecond)} req/s`,
      note: `${count} requests, ${concurrency} concurrent, errors ${bareResult.errors}`,
    });
    rows.push({
      metric: 'session issuance (no PoW)',
      value: `${Math.round(sessionResult.perSecond)} req/s`,
      note: `${((sessionResult.perSecond / bareResult.perSecond) * 100).toFixed(0)}% of bare (goal ≥ 40%), errors ${sessionResult.errors}`,
    });
    rows.push({
      metric: 'token-verified chat (echo, stream:false)',
      value: `${Math.round(chatResult.perSecond)} req/s`,
      note: `${((chatResult.perSecond / bareResult.perSecond) * 100).toFixed(0)}% of bare, errors ${chatResult.errors}`,
    });
  } finally {
    await server.close();
    await bare.close();
  }
  return rows;
}
