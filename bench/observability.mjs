// Cost of observability: requests/s of a token-verified chat request (echo responder, no delay,
// stream:false) on a server that writes its request log (JSON lines, to /dev/null) and counts
// its metrics, against the same server with both off; goal ≥ 0.9. Each server has its own
// embedded database; both run in one worker thread (the load generator, here, does not share
// their event loop); rounds interleave and the best of each counts, so warm-up and noise hit
// both alike. A second row measures what logging and metrics add to one request in process
// (app.request on a route that does no other work), which machine load blurs much less.
import { Agent } from 'node:http';
import { Worker } from 'node:worker_threads';
import { ask, measure, send } from './lib/http.mjs';

const origin = 'http://localhost:5173';
const serverModule = new URL('../dist/server/index.js', import.meta.url).href;

const workerSource = `
import { parentPort } from 'node:worker_threads';
import { pino } from 'pino';
const { createLogger, createServerApp, startServer } = await import(${JSON.stringify(serverModule)});
const env = {
  INKEEP_IP_CHAT_RATE_LIMIT: '1000000',
  INKEEP_IP_CONCURRENT_STREAMS: '100000',
  INKEEP_VISITOR_CONCURRENT_STREAMS: '1000',
  INKEEP_CHAT_DAILY_LIMIT: '100000000',
  INKEEP_QUOTA_VISITOR_CONVERSATIONS: '0',
  INKEEP_QUOTA_VISITOR_BYTES: '0',
};
const common = {
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
  manageUi: false,
  onWarning: () => {},
};
const destination = pino.destination({ dest: '/dev/null', sync: false });
const on = await startServer({ ...common, logger: createLogger({ level: 'info', destination }) });
const off = await startServer({ ...common, recordMetrics: false });
parentPort.on('message', async (message) => {
  if (message === 'close') {
    await on.close({ graceMs: 0 });
    await off.close({ graceMs: 0 });
    parentPort.postMessage({ closed: true });
  } else if (message === 'overhead') {
    // Microseconds per request on a route that does nothing else (404), on minus off.
    const apps = {
      on: createServerApp({ ...common, logger: createLogger({ level: 'info', destination }) }),
      off: createServerApp({ ...common, recordMetrics: false }),
    };
    const best = {};
    for (let round = 0; round < 5; round++) {
      for (const [name, app] of round % 2 ? Object.entries(apps).reverse() : Object.entries(apps)) {
        await app.ready;
        const started = performance.now();
        for (let i = 0; i < 5000; i++) await (await app.request('/bench/nothing')).arrayBuffer();
        const micros = ((performance.now() - started) / 5000) * 1000;
        if (round > 0) best[name] = Math.min(best[name] ?? Infinity, micros);
      }
    }
    for (const app of Object.values(apps)) await app.context.stores.close();
    parentPort.postMessage({ overhead: best });
  }
});
parentPort.postMessage({ on: on.url, off: off.url });
`;

export async function run() {
  const worker = new Worker(workerSource, { eval: true, type: 'module' });
  const urls = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const tokenOf = async (url) => {
      const response = await send(agent, `${url}/run/auth/apps/app_bench/anonymous-session`, {
        headers: { origin, 'content-type': 'application/json' },
      });
      return JSON.parse(response.text).token;
    };
    const chat = (url, token) => async () =>
      (
        await send(agent, `${url}/run/v1/chat/completions`, {
          headers: {
            authorization: `Bearer ${token}`,
            'x-inkeep-app-id': 'app_bench',
            origin,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream: false }),
        })
      ).status === 200;
    const kinds = {
      on: chat(urls.on, await tokenOf(urls.on)),
      off: chat(urls.off, await tokenOf(urls.off)),
    };
    const count = 3000;
    const concurrency = 32;
    const best = {};
    for (let round = 0; round < 4; round++) {
      // Alternating which goes first, so neither always meets the fuller database.
      const order = round % 2 ? Object.entries(kinds).reverse() : Object.entries(kinds);
      for (const [name, attempt] of order) {
        const result = await measure(round === 0 ? 300 : count, concurrency, attempt);
        if (round > 0 && (!best[name] || result.perSecond > best[name].perSecond)) {
          best[name] = result;
        }
      }
    }
    const overhead = await ask(worker, 'overhead', 'overhead');
    return [
      {
        metric: 'chat, logs + metrics off',
        value: `${Math.round(best.off.perSecond)} req/s`,
        note: `token-verified, echo, stream:false; best of 3 × ${count}, ${concurrency} concurrent, errors ${best.off.errors}`,
      },
      {
        metric: 'chat, logs + metrics on',
        value: `${Math.round(best.on.perSecond)} req/s`,
        note: `${(best.on.perSecond / best.off.perSecond).toFixed(2)}× off (goal ≥ 0.9); JSON log lines to /dev/null, errors ${best.on.errors}`,
      },
      {
        metric: 'logs + metrics, added per request',
        value: `${(overhead.on - overhead.off).toFixed(1)} µs`,
        note: `in process, best of 4 × 5000: ${overhead.on.toFixed(1)} µs on vs ${overhead.off.toFixed(1)} µs off (a 404)`,
      },
    ];
  } finally {
    agent.destroy();
    await ask(worker, 'close', 'closed');
    await worker.terminate();
  }
}
