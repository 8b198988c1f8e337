import {
  type Challenge as ChallengeV2,
  type DeriveKeyFunction,
  solveChallenge as solveV2,
} from 'altcha-lib';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/pbkdf2';
import { describe, expect, it } from 'vitest';
import { solveChallenge as solveInWidget } from '../../../src/pow/solve-challenge.ts';
import { createMemorySharedState, createPowService, keyIdOf } from '../../../src/server/index.ts';
import type { PowServiceOptions } from '../../../src/server/pow/create-pow-service.ts';
import { keyPrefixDigits } from '../../../src/server/pow/pow-settings.ts';
import {
  type ClassicChallenge,
  createTestApp,
  requestSession,
  solveClassicChallenge,
} from '../helpers.ts';

const powSecret = 'pow-secret-pow-secret-pow-secret-0123';
const env = (extra: Record<string, string> = {}) => ({
  INKEEP_POW_HMAC_SECRET: powSecret,
  INKEEP_POW_DIFFICULTY: '2000',
  ...extra,
});

const service = (options: Partial<PowServiceOptions> & { algorithm: string }) =>
  createPowService({
    hmacSecret: powSecret,
    difficulty: 16,
    cost: 1,
    challengeTtlSeconds: 300,
    ...options,
  });

describe('proof of work, classic format (default)', () => {
  it('serves a classic challenge that altcha-lib/v1 solves and the session route accepts once', async () => {
    const app = createTestApp({ env: env() });
    const response = await app.request('/run/auth/pow/challenge');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const challenge = (await response.json()) as ClassicChallenge;
    expect(Object.keys(challenge).sort()).toEqual([
      'algorithm',
      'challenge',
      'maxnumber',
      'salt',
      'signature',
    ]);
    expect(challenge).toMatchObject({ algorithm: 'SHA-256', maxnumber: 2000 });
    expect(challenge.salt).toMatch(/\?kid=[0-9a-f]{8}&expires=\d+&$/);
    const header = await solveClassicChallenge(challenge);
    const accepted = await requestSession(app, {
      headers: { 'x-inkeep-challenge-solution': header },
    });
    expect(accepted.status).toBe(200);
    const replayed = await requestSession(app, {
      headers: { 'x-inkeep-challenge-solution': header },
    });
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ code: 'pow_invalid' });
  });

  it('requires a solution when enabled, and rejects an expired one', async () => {
    let now = Date.now();
    const app = createTestApp({ env: env(), now: () => now });
    const missing = await requestSession(app);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 'pow_required' });
    const challenge = (await (
      await app.request('/run/auth/pow/challenge')
    ).json()) as ClassicChallenge;
    const header = await solveClassicChallenge(challenge);
    now += 301_000;
    const expired = await requestSession(app, {
      headers: { 'x-inkeep-challenge-solution': header },
    });
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ code: 'pow_expired' });
  });

  it('uses the configured lifetime', async () => {
    const now = Date.UTC(2026, 0, 1);
    const app = createTestApp({
      env: env({ INKEEP_POW_CHALLENGE_TTL_SECONDS: '60' }),
      now: () => now,
    });
    const challenge = (await (
      await app.request('/run/auth/pow/challenge')
    ).json()) as ClassicChallenge;
    expect(challenge.salt).toContain(`expires=${now / 1000 + 60}`);
  });
});

describe('proof of work, v2 format (INKEEP_POW_ALGORITHM)', () => {
  it('serves a PBKDF2 challenge that altcha-lib solves and the session route accepts once', async () => {
    const app = createTestApp({
      env: env({
        INKEEP_POW_ALGORITHM: 'PBKDF2/SHA-256',
        INKEEP_POW_DIFFICULTY: '16',
        INKEEP_POW_COST: '10',
      }),
    });
    const challenge = (await (await app.request('/run/auth/pow/challenge')).json()) as ChallengeV2;
    expect(challenge.parameters).toMatchObject({
      algorithm: 'PBKDF2/SHA-256',
      cost: 10,
      keyLength: 32,
      keyPrefix: '0',
    });
    expect(challenge.parameters.keySignature).toBeUndefined();
    expect(typeof challenge.signature).toBe('string');
    const solution = await solveV2({ challenge, deriveKey: derivePbkdf2 });
    expect(solution).not.toBeNull();
    const header = btoa(JSON.stringify({ challenge, solution }));
    const accepted = await requestSession(app, {
      headers: { 'x-inkeep-challenge-solution': header },
    });
    expect(accepted.status).toBe(200);
    const replayed = await requestSession(app, {
      headers: { 'x-inkeep-challenge-solution': header },
    });
    expect(await replayed.json()).toMatchObject({ code: 'pow_invalid' });
  });

  it("serves challenges the widget's own solver solves (odd-length prefixes too)", async () => {
    for (const [algorithm, difficulty, cost, level, prefix] of [
      ['PBKDF2/SHA-256', 16, 10, 0, '0'],
      ['PBKDF2/SHA-256', 16, 10, 1, '00'],
      ['PBKDF2/SHA-512', 256, 1, 1, '000'],
      ['SCRYPT', 16, 16, 1, '00'],
    ] as const) {
      const pow = service({ algorithm, difficulty, cost });
      const challenge = (await pow.createChallenge(level)) as ChallengeV2;
      expect(challenge.parameters.keyPrefix).toBe(prefix);
      const header = await solveInWidget(JSON.parse(JSON.stringify(challenge)), { workers: 0 });
      expect(await pow.verify(header, { level }), algorithm).toEqual({ ok: true });
    }
  });
});

describe('v2 challenges cost no key derivation', () => {
  it('issues challenges with HMAC only, and verification derives once, after cheap checks', async () => {
    let derivations = 0;
    const counting: DeriveKeyFunction = (...args) => {
      derivations++;
      return derivePbkdf2(...args);
    };
    const pow = service({ algorithm: 'PBKDF2/SHA-256', cost: 100_000, deriveKey: counting });
    const issued = [];
    for (let i = 0; i < 50; i++) issued.push((await pow.createChallenge(i % 4)) as ChallengeV2);
    expect(derivations).toBe(0);
    expect(new Set(issued.map((challenge) => challenge.parameters.nonce)).size).toBe(50);

    const challenge = issued[0] as ChallengeV2;
    const { keyPrefix } = challenge.parameters;
    // Looks like a solution (the prefix, 32 bytes of hex) without any work behind it.
    const fake = { counter: 7, derivedKey: keyPrefix + 'a'.repeat(64 - keyPrefix.length) };
    const header = (parameters: object, solution: object, signature = challenge.signature) =>
      btoa(JSON.stringify({ challenge: { parameters, signature }, solution }));

    // Forged signature, higher level claimed, wrong prefix: refused without deriving.
    const forged = header({ ...challenge.parameters, cost: 1 }, fake);
    expect(await pow.verify(forged)).toMatchObject({ code: 'pow_invalid' });
    const noPrefix = header(challenge.parameters, { ...fake, derivedKey: 'f'.repeat(64) });
    expect(await pow.verify(noPrefix)).toMatchObject({ code: 'pow_invalid' });
    const tooEasy = header(challenge.parameters, fake);
    expect(await pow.verify(tooEasy, { level: 1 })).toMatchObject({ code: 'pow_invalid' });
    expect(derivations).toBe(0);

    // A plausible solution is claimed, then derived once (and found wrong); a second try of the
    // same challenge is a replay and derives nothing.
    expect(await pow.verify(tooEasy)).toMatchObject({ code: 'pow_invalid' });
    expect(derivations).toBe(1);
    expect(await pow.verify(tooEasy)).toMatchObject({
      code: 'pow_invalid',
      detail: 'Challenge solution was already used',
    });
    expect(derivations).toBe(1);
  });

  it('maps INKEEP_POW_DIFFICULTY to key-prefix digits, the nearest power of 16', () => {
    expect([2, 16, 100, 256, 1000, 1100, 4096, 65_536].map((d) => keyPrefixDigits(d))).toEqual([
      1, 1, 2, 2, 2, 3, 3, 4,
    ]);
    expect(keyPrefixDigits(256, 2)).toBe(4);
  });
});

describe('difficulty levels', () => {
  it('classic: each level searches four times as far, and the level is signed', async () => {
    const pow = service({ algorithm: 'SHA-256', difficulty: 100 });
    const levels = [];
    for (let level = 0; level <= 4; level++) {
      levels.push((await pow.createChallenge(level)) as ClassicChallenge);
    }
    expect(levels.map((challenge) => challenge.maxnumber)).toEqual([100, 400, 1600, 6400, 6400]);
    const kid = keyIdOf(powSecret);
    expect(levels[0]?.salt).toMatch(new RegExp(`^[0-9a-f]+\\?kid=${kid}&expires=\\d+&$`));
    expect(levels[2]?.salt).toMatch(new RegExp(`^[0-9a-f]+\\?kid=${kid}&level=2&expires=\\d+&$`));
    const header = await solveClassicChallenge(levels[2] as ClassicChallenge);
    expect(await pow.verify(header, { level: 3 })).toMatchObject({ code: 'pow_invalid' });
    expect(await pow.verify(header, { level: 2 })).toEqual({ ok: true });
    // Claiming a higher level breaks the challenge hash.
    const raised = await solveClassicChallenge(levels[1] as ClassicChallenge, (payload) => {
      payload.salt = String(payload.salt).replace('level=1', 'level=3');
    });
    expect(await pow.verify(raised, { level: 1 })).toMatchObject({ code: 'pow_invalid' });
  });

  it('v2: each level adds one hex digit to the key prefix, and the level is signed', async () => {
    const pow = service({ algorithm: 'PBKDF2/SHA-256', difficulty: 16, cost: 1 });
    const levels = [];
    for (let level = 0; level <= 3; level++) {
      levels.push((await pow.createChallenge(level)) as ChallengeV2);
    }
    expect(levels.map((challenge) => challenge.parameters.keyPrefix)).toEqual([
      '0',
      '00',
      '000',
      '0000',
    ]);
    const kid = keyIdOf(powSecret);
    expect(levels.map((challenge) => challenge.parameters.data)).toEqual([
      { kid },
      { kid, level: 1 },
      { kid, level: 2 },
      { kid, level: 3 },
    ]);
    const challenge = levels[1] as ChallengeV2;
    const solution = await solveV2({ challenge, deriveKey: derivePbkdf2 });
    const header = (data: object) =>
      btoa(
        JSON.stringify({
          challenge: {
            parameters: { ...challenge.parameters, data },
            signature: challenge.signature,
          },
          solution,
        }),
      );
    expect(await pow.verify(header({ kid, level: 3 }), { level: 3 })).toMatchObject({
      code: 'pow_invalid',
    });
    expect(await pow.verify(header({ kid, level: 1 }), { level: 2 })).toMatchObject({
      code: 'pow_invalid',
    });
    expect(await pow.verify(header({ kid, level: 1 }), { level: 1 })).toEqual({ ok: true });
  });

  it('remembers solutions per bucket: a full bucket is refused with the time until it frees', async () => {
    const shared = createMemorySharedState({ replayCapacityPerBucket: 1 });
    const pow = service({ algorithm: 'SHA-256', difficulty: 100, claim: shared.claim });
    const solve = async () =>
      solveClassicChallenge((await pow.createChallenge()) as ClassicChallenge);
    expect(await pow.verify(await solve(), { bucket: 'attacker' })).toEqual({ ok: true });
    expect(await pow.verify(await solve(), { bucket: 'attacker' })).toEqual({
      ok: false,
      code: 'rate_limit_exceeded',
      detail: 'Too many sessions from this network, retry later',
      retryAfter: 300,
    });
    expect(await pow.verify(await solve(), { bucket: 'honest' })).toEqual({ ok: true });
  });
});

describe('createPowService', () => {
  it('rejects a solution signed with another secret', async () => {
    const ours = service({ algorithm: 'SHA-256', difficulty: 100 });
    const theirs = service({
      algorithm: 'SHA-256',
      difficulty: 100,
      hmacSecret: `${powSecret}-other`,
    });
    const header = await solveClassicChallenge(
      (await theirs.createChallenge()) as ClassicChallenge,
    );
    expect(await theirs.verify(header)).toEqual({ ok: true });
    expect(await ours.verify(header)).toMatchObject({ ok: false, code: 'pow_invalid' });
  });
});
