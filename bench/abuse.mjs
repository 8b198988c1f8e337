// Abuse bench of the Run API server over loopback (the built server in dist/server), with the
// default budgets. The server runs in one worker thread, the attacker in another (from
// 127.0.0.2), the honest visitor here (from 127.0.0.1), so none shares an event loop:
//   - a visitor's token-verified chat latency (median of sequential requests) while 32
//     connections send wrong API-key secrets for a known key id, against the same without the
//     attack (goal ≤ 2×);
//   - the server's heap after 20,000 attack requests of each kind (bad JWT, wrong key secret,
//     wrong admin key, PoW challenge, session without a solution, conversation read), against
//     the start (goal within 20%).
import { Agent } from 'node:http';
import { Worker } from 'node:worker_threads';
import { ask, send } from './lib/http.mjs';

const origin = 'http://localhost:5173';
const serverModule = new URL('../dist/server/index.js', import.meta.url).href;
const adminKey = 'bench-admin-key-bench-admin-key-0123456789';

const serverSource = `
import { parentPort, workerData } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
const { createTokenService, openServerState, readSettings, startServer } = await import(${JSON.stringify(serverModule)});
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const jwtSecret = 'bench-secret-bench-secret-bench-secret-01';
const env = {
  INKEEP_ADMIN_API_KEY: ${JSON.stringify(adminKey)},
  INKEEP_POW_HMAC_SECRET: 'bench-pow-secret-bench-pow-secret-0123',
  // The honest visitor sends hundreds of requests to be measured: lift only their budgets.
  INKEEP_CHAT_RATE_LIMIT: '1000000',
  INKEEP_IP_CHAT_RATE_LIMIT: '1000000',
  INKEEP_CHAT_DAILY_LIMIT: '100000000',
  ...workerData.env,
};
const { settings } = readSettings(env);
const { stores, shared } = await openServerState({ settings });
const { key: apiKey } = await stores.apiKeys.create({
  name: 'bench', tenantId: 'default', projectId: 'default', agentId: null, scopes: ['chat', 'read'],
  expiresAt: null, allowedIps: [], rateLimit: 1000000, signed: false,
});
const app = { id: 'app_bench', tenantId: 'default', projectId: 'default', name: 'Bench', type: 'web_client',
  enabled: true, defaultAgentId: 'default', config: { webClient: { allowedDomains: ['localhost'], allowAnonymous: true } } };
const tokens = createTokenService({ secret: jwtSecret, lifetimeSeconds: 3600 });
const visitor = (await tokens.issue(app)).token;
const attacker = (await tokens.issue(app)).token;
const server = await startServer({
  stores, shared, port: 0, host: '127.0.0.1', env, apps: [app],
  settings: { jwtSecret, responder: 'echo', tokenDelayMs: 0 },
  onWarning: () => {},
});
parentPort.on('message', async (message) => {
  if (message === 'memory') {
    for (let round = 0; round < 4; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    parentPort.postMessage({ memory: process.memoryUsage() });
  } else if (message === 'close') {
    await server.close();
    await stores.close();
    parentPort.postMessage({ closed: true });
  }
});
parentPort.postMessage({ server: server.url, apiKey, visitor, attacker });
`;

// The attacker: \`workerData\` says what to send, how many, and how many connections.
const attackerSource = `
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
const { url, method, headers, body, count, connections } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: connections, localAddress: '127.0.0.2' });
let sent = 0;
let stop = false;
const statuses = {};
parentPort.on('message', (message) => { if (message === 'stop') stop = true; });
const send = () => new Promise((resolve) => {
  const outgoing = request(url, { method, agent, headers, timeout: 30000 }, (incoming) => {
    incoming.resume();
    incoming.on('end', () => {
      statuses[incoming.statusCode] = (statuses[incoming.statusCode] ?? 0) + 1;
      resolve();
    });
  });
  outgoing.on('error', () => resolve());
  outgoing.end(body);
});
await Promise.all(Array.from({ length: connections }, async () => {
  while (!stop && (count === 0 || sent < count)) {
    sent++;
    await send();
  }
}));
agent.destroy();
parentPort.postMessage({ done: true, statuses });
`;

/** Starts an attacker thread; `count` 0 = until told to stop. Resolves with its statuses. */
function attack(options) {
  const worker = new Worker(attackerSource, { eval: true, type: 'module', workerData: options });
  const done = new Promise((resolve, reject) => {
    worker.on('message', (message) => message.done && resolve(message.statuses));
    worker.once('error', reject);
  }).finally(() => worker.terminate());
  return { stop: () => worker.postMessage('stop'), done };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Starts the server thread with `env` on top of the bench's own. */
async function startServerThread(env = {}) {
  const worker = new Worker(serverSource, { eval: true, type: 'module', workerData: { env } });
  const started = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    ...started,
    memory: () => ask(worker, 'memory', 'memory'),
    async close() {
      await ask(worker, 'close', 'closed');
      await worker.terminate();
    },
  };
}

const chatBody = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream: false });
const wrongKeyOf = (server, apiKey) => ({
  url: `${server}/run/v1/chat/completions`,
  method: 'POST',
  headers: {
    'x-api-key': `sk_${apiKey.slice(3).split('.')[0]}.wrong-secret-0123456789abcdef`,
    'content-type': 'application/json',
  },
  body: chatBody,
});

async function latencyUnderGuessing() {
  const { server, apiKey, visitor, close } = await startServerThread();
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const visitorChat = async () => {
    const started = performance.now();
    const response = await send(agent, `${server}/run/v1/chat/completions`, {
      headers: {
        authorization: `Bearer ${visitor}`,
        'x-inkeep-app-id': 'app_bench',
        origin,
        'content-type': 'application/json',
      },
      body: chatBody,
    });
    if (response.status !== 200) throw new Error(`visitor chat: ${response.status}`);
    return performance.now() - started;
  };
  const latencies = async (count) => {
    const times = [];
    for (let index = 0; index < count; index++) times.push(await visitorChat());
    return median(times);
  };
  try {
    await latencies(100);
    const quiet = await latencies(300);
    const guesses = attack({ ...wrongKeyOf(server, apiKey), count: 0, connections: 32 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const attacked = await latencies(300);
    guesses.stop();
    const statuses = await guesses.done;
    return {
      metric: 'visitor chat latency under 32 wrong-key connections',
      value: `${(attacked / quiet).toFixed(2)}×`,
      note: `median ${quiet.toFixed(2)} → ${attacked.toFixed(2)} ms (goal ≤ 2×); attacker got ${Object.entries(
        statuses,
      )
        .map(([status, count]) => `${count}× ${status}`)
        .join(', ')}`,
    };
  } finally {
    agent.destroy();
    await close();
  }
}

async function memoryAfterAttacks() {
  // Refusals answered at once, so that 20,000 of each kind arrive in seconds (with the default
  // delay at most 1024 refusals wait at once, each a timer and a socket).
  const { server, apiKey, attacker, memory, close } = await startServerThread({
    INKEEP_AUTH_FAILURE_DELAY_MS: '0',
  });
  try {
    const before = await memory();
    const kinds = {
      'bad JWT': {
        url: `${server}/run/v1/chat/completions`,
        headers: {
          authorization: `Bearer ${attacker.slice(0, -4)}AAAA`,
          'x-inkeep-app-id': 'app_bench',
          origin,
          'content-type': 'application/json',
        },
        body: chatBody,
      },
      'wrong key secret': wrongKeyOf(server, apiKey),
      'wrong admin key': {
        url: `${server}/manage/tenants/default/projects/default/apps`,
        method: 'GET',
        headers: { authorization: `Bearer ${adminKey.slice(0, -1)}x` },
      },
      'PoW challenge': { url: `${server}/run/auth/pow/challenge`, method: 'GET' },
      'session without solution': {
        url: `${server}/run/auth/apps/app_bench/anonymous-session`,
        headers: { origin, 'content-type': 'application/json' },
      },
      'conversation read': {
        url: `${server}/run/v1/conversations`,
        method: 'GET',
        headers: { authorization: `Bearer ${attacker}`, origin },
      },
    };
    const notes = [];
    for (const [name, options] of Object.entries(kinds)) {
      const statuses = await attack({ method: 'POST', ...options, count: 20_000, connections: 16 })
        .done;
      notes.push(
        `${name}: ${Object.entries(statuses)
          .map(([status, count]) => `${count}×${status}`)
          .join(' ')}`,
      );
    }
    const after = await memory();
    const change = (after.heapUsed - before.heapUsed) / before.heapUsed;
    return {
      metric: 'server heap after 6 × 20,000 attack requests',
      value: `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`,
      note: `${mib(before.heapUsed)} → ${mib(after.heapUsed)} after GC (goal within 20%); ${notes.join('; ')}`,
    };
  } finally {
    await close();
  }
}

export async function run() {
  return [await latencyUnderGuessing(), await memoryAfterAttacks()];
}
