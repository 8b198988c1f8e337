import { createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/pbkdf2';
import { deriveKey as deriveSha } from 'altcha-lib/algorithms/sha';
import {
  createChallenge as createClassicChallenge,
  verifySolution as verifyClassicSolution,
} from 'altcha-lib/v1';
import { describe, expect, it } from 'vitest';
import { solveChallenge } from '../../src/pow/solve-challenge.ts';

const hmacKey = 'a-test-secret-that-is-long-enough-123';
const decode = (header: string) =>
  JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(header), (c) => c.charCodeAt(0))));

describe('solveChallenge', () => {
  it('solves a classic challenge that altcha-lib v1 verifies', async () => {
    const challenge = await createClassicChallenge({
      hmacKey,
      maxnumber: 50_000,
      expires: new Date(Date.now() + 60_000),
    });
    const header = await solveChallenge(challenge);
    expect(await verifyClassicSolution(header, hmacKey)).toBe(true);
    expect(Object.keys(decode(header)).sort()).toEqual([
      'algorithm',
      'challenge',
      'number',
      'salt',
      'signature',
    ]);
  });

  it.each([
    ['SHA-256', deriveSha, 1],
    ['PBKDF2/SHA-256', derivePbkdf2, 1_000],
  ] as const)(
    'solves a v2 %s challenge that altcha-lib verifies',
    async (algorithm, deriveKey, cost) => {
      const challenge = await createChallenge({
        algorithm,
        cost,
        deriveKey,
        keyPrefix: '0a',
        expiresAt: new Date(Date.now() + 60_000),
        hmacSignatureSecret: hmacKey,
      });
      const payload = decode(await solveChallenge(JSON.parse(JSON.stringify(challenge))));
      const result = await verifySolution({
        challenge: payload.challenge,
        solution: payload.solution,
        deriveKey,
        hmacSignatureSecret: hmacKey,
      });
      expect(result.verified).toBe(true);
    },
  );
});
