import { solveChallenge as solveV2 } from 'altcha-lib';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/pbkdf2';
import { describe, expect, it } from 'vitest';
import { createPowService } from '../../../src/server/index.ts';
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
    expect(challenge.salt).toMatch(/\?expires=\d+&$/);
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
        INKEEP_POW_DIFFICULTY: '50',
        INKEEP_POW_COST: '10',
      }),
    });
    const challenge = (await (await app.request('/run/auth/pow/challenge')).json()) as Parameters<
      typeof solveV2
    >[0]['challenge'];
    expect(challenge.parameters.algorithm).toBe('PBKDF2/SHA-256');
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
});

describe('createPowService', () => {
  it('rejects a solution signed with another secret', async () => {
    const ours = createPowService({
      hmacSecret: powSecret,
      algorithm: 'SHA-256',
      difficulty: 100,
      cost: 1,
      challengeTtlSeconds: 300,
    });
    const theirs = createPowService({
      hmacSecret: `${powSecret}-other`,
      algorithm: 'SHA-256',
      difficulty: 100,
      cost: 1,
      challengeTtlSeconds: 300,
    });
    const header = await solveClassicChallenge(
      (await theirs.createChallenge()) as ClassicChallenge,
    );
    expect(await theirs.verify(header)).toEqual({ ok: true });
    expect(await ours.verify(header)).toMatchObject({ ok: false, code: 'pow_invalid' });
  });
});
