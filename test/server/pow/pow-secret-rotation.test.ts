// INKEEP_POW_HMAC_SECRET as a list, newest first: challenges are signed with the first and name
// it by key id inside what is signed; a solution is checked against the secret its challenge
// names, or against each one for a challenge from before key ids.
import {
  type Challenge as ChallengeV2,
  createChallenge as createChallengeV2,
  type DeriveKeyFunction,
  solveChallenge as solveV2,
} from 'altcha-lib';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/pbkdf2';
import { createChallenge as createChallengeV1 } from 'altcha-lib/v1';
import { describe, expect, it } from 'vitest';
import { solveChallenge as solveInWidget } from '../../../src/pow/solve-challenge.ts';
import { createPowService, keyIdOf } from '../../../src/server/index.ts';
import type { PowServiceOptions } from '../../../src/server/pow/create-pow-service.ts';
import { type ClassicChallenge, solveClassicChallenge } from '../helpers.ts';

const s1 = 'pow-first-pow-first-pow-first-pow-first-01';
const s2 = 'pow-second-pow-second-pow-second-pow-second-02';
const invalid = { ok: false, code: 'pow_invalid', detail: 'Challenge solution is invalid' };

const classic = (hmacSecret: string | string[], options: Partial<PowServiceOptions> = {}) =>
  createPowService({
    hmacSecret,
    algorithm: 'SHA-256',
    difficulty: 100,
    cost: 1,
    challengeTtlSeconds: 300,
    ...options,
  });

describe('classic challenges under a rotating secret', () => {
  it('carries the signing key id in the salt, which the solvers hash as is', async () => {
    const challenge = (await classic([s2, s1]).createChallenge(1)) as ClassicChallenge;
    expect(challenge.salt).toMatch(
      new RegExp(`^[0-9a-f]+\\?kid=${keyIdOf(s2)}&level=1&expires=\\d+&$`),
    );
    expect(challenge.salt).not.toContain(s2);
    // The widget's own solver and altcha-lib's both solve it, at every salt length.
    for (const level of [0, 1]) {
      const issued = await classic([s2, s1]).createChallenge(level);
      const widget = await solveInWidget(JSON.parse(JSON.stringify(issued)), { workers: 0 });
      expect(await classic([s2, s1]).verify(widget), `level ${level}`).toEqual({ ok: true });
      const altcha = await solveClassicChallenge(issued as ClassicChallenge);
      expect(await classic([s2]).verify(altcha), `level ${level}`).toEqual({ ok: true });
    }
  });

  it('keeps salt and number within one SHA-256 block, as before key ids: no extra work per try', async () => {
    // SHA-256 pads a message by at least 9 bytes into 64-byte blocks: ≤ 55 bytes is one block.
    for (const difficulty of [50_000, 100_000_000]) {
      const challenge = (await classic([s2, s1], {
        difficulty,
      }).createChallenge()) as ClassicChallenge;
      expect(challenge.salt).toMatch(/^[0-9a-f]{12}\?kid=[0-9a-f]{8}&expires=\d{10}&$/);
      expect(challenge.salt.length + String(challenge.maxnumber).length).toBeLessThanOrEqual(55);
    }
  });

  it('accepts a challenge of an older listed secret, and refuses it once that secret is gone', async () => {
    const challenge = (await classic([s1]).createChallenge()) as ClassicChallenge;
    const header = await solveClassicChallenge(challenge);
    expect(await classic([s1, s2]).verify(header)).toEqual({ ok: true });
    expect(await classic([s2, s1]).verify(header)).toEqual({ ok: true });
    expect(await classic([s2]).verify(header)).toEqual(invalid);
  });

  it('refuses a challenge naming an unknown secret, or naming one but signed by another', async () => {
    const signed = async (kid: string, hmacKey: string) =>
      (await createChallengeV1({
        algorithm: 'SHA-256',
        hmacKey,
        maxnumber: 100,
        expires: new Date(Date.now() + 60_000),
        params: { kid },
      })) as ClassicChallenge;
    const both = classic([s2, s1]);
    expect(await both.verify(await solveClassicChallenge(await signed(keyIdOf(s1), s1)))).toEqual({
      ok: true,
    });
    for (const [kid, key] of [
      ['00000000', s1],
      ['', s1],
      [keyIdOf(s2), s1],
      [keyIdOf(s1), s2],
    ] as const) {
      const header = await solveClassicChallenge(await signed(kid, key));
      expect(await both.verify(header), kid).toEqual(invalid);
    }
  });

  it('checks a challenge from before key ids against each listed secret', async () => {
    const legacy = async (hmacKey: string) =>
      solveClassicChallenge(
        (await createChallengeV1({
          algorithm: 'SHA-256',
          hmacKey,
          maxnumber: 100,
          expires: new Date(Date.now() + 60_000),
        })) as ClassicChallenge,
      );
    expect(await classic([s2, s1]).verify(await legacy(s1))).toEqual({ ok: true });
    expect(await classic([s2, s1]).verify(await legacy(s2))).toEqual({ ok: true });
    expect(await classic([s2]).verify(await legacy(s1))).toEqual(invalid);
  });
});

describe('v2 challenges under a rotating secret', () => {
  const counted = () => {
    const counter = { derivations: 0 };
    const deriveKey: DeriveKeyFunction = (...args) => {
      counter.derivations++;
      return derivePbkdf2(...args);
    };
    return { counter, deriveKey };
  };
  const v2 = (hmacSecret: string | string[], deriveKey?: DeriveKeyFunction) =>
    createPowService({
      hmacSecret,
      algorithm: 'PBKDF2/SHA-256',
      difficulty: 16,
      cost: 1,
      challengeTtlSeconds: 300,
      ...(deriveKey ? { deriveKey } : {}),
    });
  const solved = async (challenge: ChallengeV2) =>
    btoa(
      JSON.stringify({
        challenge,
        solution: await solveV2({ challenge, deriveKey: derivePbkdf2 }),
      }),
    );
  const signed = (
    hmacSignatureSecret: string,
    data?: Record<string, string | number | boolean | null>,
  ) =>
    createChallengeV2({
      algorithm: 'PBKDF2/SHA-256',
      cost: 1,
      keyPrefix: '0',
      deriveKey: derivePbkdf2,
      expiresAt: Math.floor(Date.now() / 1000) + 60,
      hmacSignatureSecret,
      ...(data ? { data } : {}),
    });

  it('carries the signing key id in the signed data; older listed secrets still verify', async () => {
    const challenge = (await v2([s2, s1]).createChallenge(2)) as ChallengeV2;
    expect(challenge.parameters.data).toEqual({ kid: keyIdOf(s2), level: 2 });
    const header = await solveInWidget(JSON.parse(JSON.stringify(challenge)), { workers: 0 });
    expect(await v2([s2]).verify(header, { level: 2 })).toEqual({ ok: true });

    const old = await solved((await v2([s1]).createChallenge()) as ChallengeV2);
    expect(await v2([s1, s2]).verify(old)).toEqual({ ok: true });
    expect(await v2([s2, s1]).verify(old)).toEqual({ ok: true });
    expect(await v2([s2]).verify(old)).toEqual(invalid);
  });

  it('refuses an unknown or mismatched key id before deriving any key', async () => {
    const { counter, deriveKey } = counted();
    const both = v2([s2, s1], deriveKey);
    for (const data of [
      { kid: '00000000' },
      { kid: keyIdOf(s2) },
      { kid: 12345678 },
      { kid: s1 },
    ]) {
      const header = await solved(await signed(s1, data));
      expect(await both.verify(header), JSON.stringify(data)).toEqual(invalid);
    }
    expect(counter.derivations).toBe(0);
    expect(await both.verify(await solved(await signed(s1, { kid: keyIdOf(s1) })))).toEqual({
      ok: true,
    });
    expect(counter.derivations).toBe(1);
  });

  it('checks a challenge from before key ids against each listed secret', async () => {
    expect(await v2([s2, s1]).verify(await solved(await signed(s1)))).toEqual({ ok: true });
    expect(await v2([s2]).verify(await solved(await signed(s1)))).toEqual(invalid);
  });
});
