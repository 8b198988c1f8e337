// Proof of work under attack: challenges cost the server an HMAC and are budgeted per client
// (IPv4 address, IPv6 /64); a client over its session budget gets harder challenges before it
// is refused; one client filling its replay memory never refuses another. The honest visitor
// on another IP or /64 is served throughout.
import type { Challenge as ChallengeV2, DeriveKeyFunction } from 'altcha-lib';
import { solveChallenge as solveV2 } from 'altcha-lib';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/pbkdf2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemorySharedState, createPowService } from '../../../src/server/index.ts';
import {
  type ClassicChallenge,
  createTestApp,
  problemBodyOf,
  requestSession,
  solveClassicChallenge,
} from '../helpers.ts';

type TestApp = ReturnType<typeof createTestApp>;

const powSecret = 'pow-secret-pow-secret-pow-secret-0123';
const start = 1_700_000_040_000;
const attacker = '203.0.113.7';
const honest = '198.51.100.1';

// The limiters' windows follow the system clock (as they do in Redis): pin it for exact headers.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(start);
});
afterEach(() => {
  vi.useRealTimers();
});

function challengeFrom(app: TestApp, ip: string) {
  return app.request(
    '/run/auth/pow/challenge',
    {},
    { incoming: { socket: { remoteAddress: ip } } },
  );
}

async function classicFrom(app: TestApp, ip: string) {
  const response = await challengeFrom(app, ip);
  expect(response.status).toBe(200);
  return (await response.json()) as ClassicChallenge;
}

async function sessionWith(app: TestApp, ip: string, challenge: ClassicChallenge) {
  const header = await solveClassicChallenge(challenge);
  return requestSession(app, { ip, headers: { 'x-inkeep-challenge-solution': header } });
}

async function expectTooMany(response: Response, limit: string, retryAfter: number) {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.headers.get('retry-after')).toBe(String(retryAfter));
  expect(response.headers.get('x-ratelimit-limit')).toBe(limit);
  expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
  return response.json();
}

describe('challenge flood', () => {
  it('refuses one client past its challenge budget while other clients and /64s are served', async () => {
    const app = createTestApp({
      env: {
        INKEEP_POW_HMAC_SECRET: powSecret,
        INKEEP_POW_DIFFICULTY: '100',
        INKEEP_POW_CHALLENGE_RATE_LIMIT: '5',
      },
    });
    for (let i = 0; i < 5; i++) {
      const response = await challengeFrom(app, attacker);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit')).toBe('5');
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(4 - i));
      expect(response.headers.get('x-ratelimit-reset')).toBe(String((start + 60_000) / 1000));
    }
    const refused = await challengeFrom(app, attacker);
    expect(await expectTooMany(refused, '5', 60)).toEqual(
      problemBodyOf({
        title: 'Too Many Requests',
        status: 429,
        detail: 'Rate limit exceeded',
        code: 'rate_limit_exceeded',
        error: {
          code: 'rate_limit_exceeded',
          message: 'Rate limit exceeded',
          status: 429,
          retry_after: 60,
        },
      }),
    );
    expect(refused.headers.get('x-ratelimit-reset')).toBe(String((start + 60_000) / 1000));

    // Another IPv4 client: challenges and a session as usual.
    const challenge = await classicFrom(app, honest);
    expect((await sessionWith(app, honest, challenge)).status).toBe(200);

    // IPv6: rotating addresses inside one /64 gains nothing; another /64 is another client.
    for (let i = 1; i <= 5; i++) {
      expect((await challengeFrom(app, `2001:db8:1:2::${i}`)).status).toBe(200);
    }
    await expectTooMany(await challengeFrom(app, '2001:db8:1:2:ffff::9'), '5', 60);
    const elsewhere = await classicFrom(app, '2001:db8:1:3::1');
    expect((await sessionWith(app, '2001:db8:1:3::1', elsewhere)).status).toBe(200);

    // The window ends: the attacker is served again.
    vi.setSystemTime(start + 60_001);
    expect((await challengeFrom(app, attacker)).status).toBe(200);
  });

  it('keeps 404 not_found when proof of work is off', async () => {
    const app = createTestApp({ env: { INKEEP_POW_CHALLENGE_RATE_LIMIT: '1' } });
    for (let i = 0; i < 3; i++) {
      const response = await challengeFrom(app, attacker);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        code: 'not_found',
        detail: 'PoW is not enabled',
      });
    }
  });
});

describe('difficulty rises for a client over its session budget', () => {
  it('serves harder challenges level by level, then refuses; another client stays at level 0', async () => {
    const app = createTestApp({
      env: { INKEEP_POW_HMAC_SECRET: powSecret, INKEEP_POW_DIFFICULTY: '50' },
      settings: { sessionRateLimit: 2 },
    });
    const served = async (expectedMaxNumber: number, remaining: number) => {
      const challenge = await classicFrom(app, attacker);
      expect(challenge.maxnumber).toBe(expectedMaxNumber);
      const response = await sessionWith(app, attacker, challenge);
      expect(response.status).toBe(200);
      // Budget 2, levels 0–3: 8 sessions a minute, the last six at rising cost.
      expect(response.headers.get('x-ratelimit-limit')).toBe('8');
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(remaining));
      return challenge;
    };
    const first = await served(50, 7);
    expect(first.salt).not.toContain('level=');
    const stale = await classicFrom(app, attacker); // asked while still within the budget
    await served(50, 6);

    // Over budget, a level-0 solution is refused (the widget then asks for a fresh challenge).
    const tooEasy = await sessionWith(app, attacker, stale);
    expect(tooEasy.status).toBe(400);
    expect(await tooEasy.json()).toMatchObject({
      code: 'pow_invalid',
      detail: 'Challenge is easier than this client now needs; get a new one',
    });

    const levelOne = await served(200, 4);
    expect(levelOne.salt).toContain('level=1&');
    await served(800, 3);
    await served(800, 2);
    await served(3200, 1);
    await served(3200, 0);

    // Past the last level: refused before any proof of work is looked at.
    const capped = await classicFrom(app, attacker);
    expect(capped.maxnumber).toBe(3200);
    const refused = await sessionWith(app, attacker, capped);
    const body = await expectTooMany(refused, '8', 60);
    expect(body).toMatchObject({ code: 'rate_limit_exceeded', error: { retry_after: 60 } });

    // Another client is untouched: level 0, its own budget.
    const other = await classicFrom(app, honest);
    expect(other.maxnumber).toBe(50);
    const response = await sessionWith(app, honest, other);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-remaining')).toBe('7');

    // A new window: back to level 0.
    vi.setSystemTime(start + 60_001);
    expect((await classicFrom(app, attacker)).maxnumber).toBe(50);
  });

  it('without proof of work, refuses at the budget as before', async () => {
    const app = createTestApp({ settings: { sessionRateLimit: 2 } });
    expect((await requestSession(app, { ip: attacker })).status).toBe(200);
    expect((await requestSession(app, { ip: attacker })).status).toBe(200);
    await expectTooMany(await requestSession(app, { ip: attacker }), '2', 60);
  });
});

describe('replay memory', () => {
  it('a client that fills its own bucket is refused until its solutions expire; others are not', async () => {
    const shared = createMemorySharedState({ replayCapacityPerBucket: 2 });
    const app = createTestApp({
      shared,
      env: { INKEEP_POW_HMAC_SECRET: powSecret, INKEEP_POW_DIFFICULTY: '50' },
      settings: { sessionRateLimit: 100 },
    });
    for (let i = 0; i < 2; i++) {
      expect((await sessionWith(app, attacker, await classicFrom(app, attacker))).status).toBe(200);
    }
    const full = await sessionWith(app, attacker, await classicFrom(app, attacker));
    expect(await expectTooMany(full, '400', 300)).toMatchObject({
      code: 'rate_limit_exceeded',
      detail: 'Too many sessions from this network, retry later',
      error: { retry_after: 300 },
    });
    expect(full.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil(start / 1000) + 300));

    for (const ip of [honest, '203.0.113.8', '2001:db8:1:3::1']) {
      expect((await sessionWith(app, ip, await classicFrom(app, ip))).status, ip).toBe(200);
    }
  });
});

describe('v2 challenges (PBKDF2/SHA-256, cost 100000)', () => {
  it('issuing derives no key; a session derives exactly one', async () => {
    const app = createTestApp({
      env: {
        INKEEP_POW_HMAC_SECRET: powSecret,
        INKEEP_POW_ALGORITHM: 'PBKDF2/SHA-256',
        INKEEP_POW_COST: '100000',
        INKEEP_POW_DIFFICULTY: '16',
      },
    });
    await app.ready;
    let derivations = 0;
    const counting: DeriveKeyFunction = (...args) => {
      derivations++;
      return derivePbkdf2(...args);
    };
    const { settings, shared } = app.context;
    if (!settings.pow) throw new Error('PoW is off');
    app.context.pow = createPowService({
      ...settings.pow,
      claim: shared.claim,
      deriveKey: counting,
    });

    const challenges: ChallengeV2[] = [];
    for (let i = 0; i < 50; i++) {
      const response = await challengeFrom(app, honest);
      expect(response.status).toBe(200);
      challenges.push((await response.json()) as ChallengeV2);
    }
    expect(derivations).toBe(0);
    expect(challenges[0]?.parameters).toMatchObject({ cost: 100_000, keyPrefix: '0' });

    const challenge = challenges[0] as ChallengeV2;
    const solution = await solveV2({ challenge, deriveKey: derivePbkdf2 });
    const header = btoa(JSON.stringify({ challenge, solution }));
    const response = await requestSession(app, {
      ip: honest,
      headers: { 'x-inkeep-challenge-solution': header },
    });
    expect(response.status).toBe(200);
    expect(derivations).toBe(1);
    // A replay is refused by the replay memory, before any derivation.
    const replayed = await requestSession(app, {
      ip: honest,
      headers: { 'x-inkeep-challenge-solution': header },
    });
    expect(replayed.status).toBe(400);
    expect(derivations).toBe(1);
  });
});
