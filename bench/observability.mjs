// Cost of observability: requests/s of a token-verified chat request (echo responder, no delay,
// stream:false) on a server that writes its request log (JSON lines, to /dev/null) and counts
// its metrics, against the same server with both off; goal ≥ 0.9. Both servers share one state
// and run in one worker thread (the load generator, here, does not share their event loop);
// rounds interleave and the best of each counts, so warm-up and noise hit both alike.
import { Agent } from 'node:http';
import { Worker } from 'node:worker_threads';
import { ask, send } from './lib/http.mjs';

const origin = 'http://localhost:5173';
const serverModule = new URL('../dist/server/index.js', import.meta.url).href;

const workerSource = `
import { parentPort } from 'node:worker_threads';
import { pino } from 'pino';
const { createLogger, openServerState, readSettings, startServer } = await import(${JSON.stringify(serverModule)});
const env = {
  INKEEP_IP_CHAT_RATE_LIMIT: '1000000',
  INKEEP_IP_CONCURRENT_STREAMS: '100000',
  INKEEP_VISITOR_CONCURRENT_STREAMS: '1000',
  INKEEP_CHAT_DAILY_LIMIT: '100000000',
  INKEEP_QUOTA_VISITOR_CONVERSATIONS: '0',
  INKEEP_QUOTA_VISITOR_BYTES: '0',
};
const { stores, shared } = await openServerState({ settings: readSettings(env).settings });
const common = {
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
    await stores.close();
    parentPort.postMessage({ closed: true });
  }
});
parentPort.postMessage({ on: on.url, off: off.url });
`;

/** Runs `count` requests, `concurrency` at a time; returns requests/s and the error count. */
async function measure(count, concurrency, attempt) {
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        if (!(await attempt().catch(() => false))) errors++;
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), errors };
}

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
    ];
  } finally {
    agent.destroy();
    await ask(worker, 'close', 'closed');
    await worker.terminate();
  }
}
