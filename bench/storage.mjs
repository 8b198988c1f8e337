// Storage bench (the built server in dist/server), one run:
//   - appending a message to a 1,000-message conversation ÷ to a 1-message one (goal ≤ 1.5);
//   - listing a visitor's first page with 100,000 conversations stored ÷ with 100 (goal ≤ 2);
//   - session issuance and token-verified chat on PostgreSQL + Redis as ratios to the in-memory
//     default (embedded PGlite + memory shared state), both driven in process through app.fetch;
//   - counted round trips: SQL statements and Redis round trips for one session issuance and one
//     chat turn on PostgreSQL + Redis (goals: session 0 SQL and ≤ 2 Redis; chat ≤ 3 SQL, ≤ 2 Redis).
// PostgreSQL and Redis are throwaway instances on loopback (scripts/test-engines.mjs).
import { startEngines } from '../scripts/test-engines.mjs';

const server = await import(new URL('../dist/server/index.js', import.meta.url).href);
const origin = 'http://localhost:5173';
const apps = [
  { id: 'app_bench', name: 'Bench', config: { webClient: { allowedDomains: ['localhost'] } } },
];
const settings = {
  jwtSecret: 'bench-secret-bench-secret-bench-secret-01',
  responder: 'echo',
  tokenDelayMs: 0,
  sessionRateLimit: 1_000_000,
  chatRateLimit: 1_000_000,
  quotas: { visitorConversations: 0, visitorBytes: 0, appConversations: 0, appBytes: 0 },
  // One client and one visitor send every request here: lift their budgets.
  limits: {
    ...server.readSettings({}).settings.limits,
    ipChatPerMinute: 1_000_000,
    ipStreams: 100_000,
    ipReadsPerMinute: 1_000_000,
    visitorChatPerDay: 100_000_000,
    visitorStreams: 1000,
  },
};

/** Median ms of `fn` over `rounds` runs after `warmup` runs. */
async function median(fn, rounds = 200, warmup = 20) {
  for (let index = 0; index < warmup; index++) await fn(index);
  const times = [];
  for (let index = 0; index < rounds; index++) {
    const started = performance.now();
    await fn(index);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Requests per second of `fn` over `count` sequential calls. */
async function rate(fn, count = 400) {
  for (let index = 0; index < 40; index++) await fn();
  const started = performance.now();
  for (let index = 0; index < count; index++) await fn();
  return count / ((performance.now() - started) / 1000);
}

function client(app) {
  const session = async () => {
    const response = await app.request('/run/auth/apps/app_bench/anonymous-session', {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
    });
    if (response.status !== 200) throw new Error(`session ${response.status}`);
    return (await response.json()).token;
  };
  const chat = async (token, conversationId) => {
    const response = await app.request('/run/v1/chat/completions', {
      method: 'POST',
      headers: {
        origin,
        authorization: `Bearer ${token}`,
        'x-inkeep-app-id': 'app_bench',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        messages: [{ role: 'user', content: 'hello' }],
        stream: false,
        ...(conversationId ? { conversationId } : {}),
      }),
    });
    if (response.status !== 200) throw new Error(`chat ${response.status}`);
    await response.text();
    return response.headers.get('x-inkeep-conversation-id');
  };
  return { session, chat };
}

async function storeRows() {
  const database = await server.openEmbeddedDatabase();
  await server.migrateDatabase(database);
  const shared = server.createMemorySharedState();
  const stores = await server.openStores({
    database,
    shared,
    quotas: settings.quotas,
    refreshMs: 0,
  });
  const { conversations } = stores;
  const message = [{ role: 'user', content: 'x'.repeat(200) }];
  const owner = (sub) => ({ sub, appId: 'app_bench' });
  const short = await conversations.start(owner('short'), 't', message);
  const long = await conversations.start(owner('long'), 't', message);
  for (let index = 0; index < 999; index++)
    await conversations.append(long.id, owner('long'), message);
  // Alternate the two so that drift in the machine's speed hits both alike.
  const appendShort = await median(() => conversations.append(short.id, owner('short'), message));
  const appendLong = await median(() => conversations.append(long.id, owner('long'), message));

  const { db, table } = database;
  const { sql } = await import('kysely');
  const fill = async (sub, count) => {
    await sql`insert into ${table('conversations')}
        (id, app_id, sub, title, created_at, updated_at, message_count, bytes)
      select 'conv_' || ${sub} || '_' || n, 'app_bench', ${sub}, 't', now(),
        now() - (n || ' seconds')::interval, 0, 0
      from generate_series(1, ${count}::int) as n`.execute(db);
    await sql`insert into ${table('storage_usage')} (app_id, owner, conversations, bytes)
      values ('app_bench', ${sub}, ${count}::bigint, 0)`.execute(db);
  };
  await fill('few', 100);
  await fill('many', 100_000);
  const listFew = await median(() => conversations.list(owner('few'), 1, 20));
  const listMany = await median(() => conversations.list(owner('many'), 1, 20));
  await stores.close();
  return [
    {
      metric: 'append to 1,000-message ÷ 1-message conversation',
      value: (appendLong / appendShort).toFixed(2),
      note: `goal ≤ 1.5 (${appendShort.toFixed(2)} vs ${appendLong.toFixed(2)} ms, embedded)`,
    },
    {
      metric: 'first page with 100,000 ÷ 100 conversations',
      value: (listMany / listFew).toFixed(2),
      note: `goal ≤ 2 (${listFew.toFixed(2)} vs ${listMany.toFixed(2)} ms, embedded)`,
    },
  ];
}

async function engineRows(engines) {
  const memoryApp = server.createServerApp({ apps, settings, env: {} });
  await memoryApp.ready;
  const fleetState = await server.openServerState({
    settings: {
      ...server.readSettings({}).settings,
      databaseUrl: engines.postgresUrl,
      redisUrl: engines.redisUrl,
      databasePoolSize: 10,
      quotas: settings.quotas,
    },
  });
  const fleetApp = server.createServerApp({ apps, settings, env: {}, ...fleetState });
  await fleetApp.ready;

  const rows = [];
  const memory = client(memoryApp);
  const fleet = client(fleetApp);
  const memoryToken = await memory.session();
  const fleetToken = await fleet.session();
  const sessionRatio = (await rate(fleet.session)) / (await rate(memory.session));
  const memoryConversation = await memory.chat(memoryToken);
  const fleetConversation = await fleet.chat(fleetToken);
  const chatRatio =
    (await rate(() => fleet.chat(fleetToken, fleetConversation), 200)) /
    (await rate(() => memory.chat(memoryToken, memoryConversation), 200));
  rows.push(
    {
      metric: 'session issuance, PostgreSQL + Redis ÷ memory',
      value: sessionRatio.toFixed(2),
      note: 'goal ≥ 0.5',
    },
    {
      metric: 'token-verified chat turn, PostgreSQL + Redis ÷ memory',
      value: chatRatio.toFixed(2),
      note: 'in process, no PoW',
    },
  );

  const count = async (fn) => {
    const sql = fleetState.stores.statements;
    const redis = fleetState.shared.roundTrips;
    await fn();
    return { sql: fleetState.stores.statements - sql, redis: fleetState.shared.roundTrips - redis };
  };
  const session = await count(() => fleet.session());
  const turn = await count(() => fleet.chat(fleetToken, fleetConversation));
  const first = await count(() => fleet.chat(fleetToken));
  rows.push(
    {
      metric: 'session issuance: SQL statements / Redis round trips',
      value: `${session.sql} / ${session.redis}`,
      note: 'goal 0 / ≤ 2 (PoW off here: its replay claim adds 1)',
    },
    {
      metric: 'chat turn in a conversation: SQL / Redis',
      value: `${turn.sql} / ${turn.redis}`,
      note: 'goal ≤ 3 / ≤ 2',
    },
    {
      metric: 'first chat turn (new conversation): SQL / Redis',
      value: `${first.sql} / ${first.redis}`,
    },
  );
  await memoryApp.context.stores.close();
  await fleetState.stores.close();
  await fleetState.shared.close();
  await memoryApp.context.shared.close();
  return rows;
}

/** The rows of `npm run bench`. */
export async function run() {
  const rows = await storeRows();
  const engines = await startEngines();
  try {
    rows.push(...(await engineRows(engines)));
  } finally {
    await engines.stop();
  }
  return rows;
}
