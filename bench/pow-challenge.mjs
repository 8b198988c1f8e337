// `GET /run/auth/pow/challenge` throughput of the built server (dist/server), in process through
// `app.request` with 32 requests in flight from one client: the classic algorithm (SHA-256)
// against a v2 one (PBKDF2/SHA-256 at cost 100000). Issuing either is one random draw and one
// HMAC, so their ratio should stay near 1 (the target is ≥ 0.5); for scale, the last row is what
// a v2 challenge cost when the server derived a key per challenge (altcha-lib's deterministic
// mode). Bounded: fixed time per round, best of three rounds, alternating the two servers.
import { createChallenge } from 'altcha-lib';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/pbkdf2';

const serverModule = new URL('../dist/server/index.js', import.meta.url).href;
const secret = 'bench-pow-secret-bench-pow-secret-0123';
const roundMs = 1500;
const inFlight = 32;

/** Requests per second over `roundMs`, `inFlight` at a time; every answer must be 200. */
async function throughput(app) {
  const init = { incoming: { socket: { remoteAddress: '192.0.2.10' } } };
  let done = 0;
  const stopAt = performance.now() + roundMs;
  const started = performance.now();
  const lane = async () => {
    while (performance.now() < stopAt) {
      const response = await app.request('/run/auth/pow/challenge', {}, init);
      if (response.status !== 200) throw new Error(`challenge answered ${response.status}`);
      await response.arrayBuffer();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return (done / (performance.now() - started)) * 1000;
}

/** Runs the benchmark and returns rows of { metric, value, note }. */
export async function run() {
  const { createServerApp, openServerState, readSettings } = await import(serverModule);
  const { stores, shared } = await openServerState({ settings: readSettings({}).settings });
  try {
    const server = (env) =>
      createServerApp({
        stores,
        shared,
        env: {
          INKEEP_POW_HMAC_SECRET: secret,
          INKEEP_POW_CHALLENGE_RATE_LIMIT: '1000000',
          ...env,
        },
        settings: { jwtSecret: secret },
        manageUi: false,
      });
    const classic = server({});
    const v2 = server({ INKEEP_POW_ALGORITHM: 'PBKDF2/SHA-256', INKEEP_POW_COST: '100000' });
    await Promise.all([classic.ready, v2.ready]);
    // Warm both (JIT, first HMAC key import) before timing.
    await throughput(classic);
    await throughput(v2);
    const best = { classic: 0, v2: 0 };
    for (let round = 0; round < 3; round++) {
      best.classic = Math.max(best.classic, await throughput(classic));
      best.v2 = Math.max(best.v2, await throughput(v2));
    }

    // For scale: one deterministic-mode v2 challenge derives a key (what issuing used to cost).
    let derived = 0;
    const derivedStart = performance.now();
    while (performance.now() - derivedStart < 1000) {
      await createChallenge({
        algorithm: 'PBKDF2/SHA-256',
        cost: 100_000,
        counter: 500,
        deriveKey: derivePbkdf2,
        hmacSignatureSecret: secret,
      });
      derived++;
    }
    const deterministic = (derived / (performance.now() - derivedStart)) * 1000;

    const ratio = best.v2 / best.classic;
    return [
      {
        metric: 'challenge throughput: classic SHA-256',
        value: `${best.classic.toFixed(0)} req/s`,
        note: `app.request, ${inFlight} in flight, best of 3 × ${roundMs} ms`,
      },
      {
        metric: 'challenge throughput: v2 PBKDF2/SHA-256, cost 100000',
        value: `${best.v2.toFixed(0)} req/s`,
        note: 'HMAC-signed parameters, no key derivation',
      },
      {
        metric: 'challenge throughput: v2 / classic',
        value: ratio.toFixed(2),
        note: ratio >= 0.5 ? 'target ≥ 0.5: met' : 'target ≥ 0.5: NOT met',
      },
      {
        metric: 'for scale: v2 challenge with a key derived per challenge',
        value: `${deterministic.toFixed(0)} /s`,
        note: "altcha-lib deterministic mode, one core (the server's issuing before)",
      },
    ];
  } finally {
    await stores.close();
    await shared.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
