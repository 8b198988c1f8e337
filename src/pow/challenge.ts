/*
 * Proof of work, as the Run API offers it (ALTCHA).
 *
 * `GET /run/auth/pow/challenge` answers one of two shapes, both signed by the server:
 *
 * - classic (altcha-lib v1): `{ algorithm: "SHA-256", challenge, maxnumber, salt, signature }`.
 *   Find `number` in 0…maxnumber with hex(SHA-256(salt + decimal(number))) === challenge.
 *   The answer is `{ algorithm, challenge, number, salt, signature }`.
 * - v2 (altcha-lib v2): `{ parameters: { algorithm, nonce, salt, cost, keyLength, keyPrefix,
 *   expiresAt?, … }, signature }`. Find a counter whose key, derived from the password
 *   nonce ‖ uint32be(counter) and the salt (SHA-x iterated `cost` times over salt ‖ password,
 *   or PBKDF2 with `cost` iterations), starts with `keyPrefix`. The answer is
 *   `{ challenge: { parameters, signature }, solution: { counter, derivedKey } }`.
 *
 * Either answer travels as base64(JSON) in `x-inkeep-challenge-solution`. The server accepts
 * each answer once, until the challenge expires.
 */
import type { Challenge as ChallengeV2 } from 'altcha-lib';
import type { Challenge as ClassicChallenge } from 'altcha-lib/v1/types';

export type { ChallengeV2, ClassicChallenge };

/** A challenge in either format the server may send. */
export type PowChallenge = ClassicChallenge | ChallengeV2;

/** True for the v2 shape (`{ parameters, signature }`). */
export function isChallengeV2(challenge: PowChallenge): challenge is ChallengeV2 {
  return typeof (challenge as ChallengeV2).parameters === 'object';
}

/** The value of `x-inkeep-challenge-solution`: base64 of the UTF-8 JSON payload. */
export function encodeSolution(payload: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The header value answering `challenge` with the found counter and (v2) derived key. */
export function solutionHeader(challenge: PowChallenge, counter: number, derivedKey = ''): string {
  if (isChallengeV2(challenge)) {
    return encodeSolution({
      challenge: { parameters: challenge.parameters, signature: challenge.signature },
      solution: { counter, derivedKey },
    });
  }
  const { algorithm, challenge: hash, salt, signature } = challenge;
  return encodeSolution({ algorithm, challenge: hash, number: counter, salt, signature });
}
