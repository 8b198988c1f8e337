// Proof of work with ALTCHA challenges (altcha-lib).
//
// Classic format (default, `altcha-lib/v1`): the challenge is
// `{ algorithm, challenge, maxnumber, salt, signature }` where `challenge = hash(salt + number)`,
// `signature = HMAC(challenge)` and the salt carries `?expires=<unix seconds>&`. The client sends
// `base64(JSON { algorithm, challenge, number, salt, signature })`.
//
// v2 format (`altcha-lib`, selected by a v2 algorithm such as `PBKDF2/SHA-256`): the challenge
// is `{ parameters, signature }` in deterministic mode (a key prefix derived from a secret
// counter, plus a key signature so verification needs no derivation). The client sends
// `base64(JSON { challenge: { parameters, signature }, solution: { counter, derivedKey } })`.
//
// Either way an accepted solution is remembered until its challenge expires: a replay is invalid.
import { timingSafeEqual } from 'node:crypto';
import {
  type Challenge as ChallengeV2,
  createChallenge as createChallengeV2,
  type DeriveKeyFunction,
  randomInt,
  verifySolution as verifySolutionV2,
} from 'altcha-lib';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/pbkdf2';
import { deriveKey as deriveScrypt } from 'altcha-lib/algorithms/scrypt';
import { createChallenge as createChallengeV1, extractParams } from 'altcha-lib/v1';
import type { Algorithm as AlgorithmV1, Challenge as ChallengeV1 } from 'altcha-lib/v1/types';
import { ProblemError } from '../http/problem-error.ts';
import { createMemorySharedState } from '../shared/create-memory-shared-state.ts';
import type { SharedState } from '../shared/shared-state.ts';
import { isClassicPowAlgorithm, type PowSettings } from './pow-settings.ts';

/** The outcome of checking an `x-inkeep-challenge-solution` header. */
export type PowCheck =
  | { ok: true }
  | {
      ok: false;
      code: 'pow_required' | 'pow_invalid' | 'pow_expired' | 'rate_limit_exceeded';
      detail: string;
    };

/** Issues ALTCHA challenges and verifies single-use solutions. */
export interface PowService {
  format: 'classic' | 'v2';
  createChallenge(): Promise<ChallengeV1 | ChallengeV2>;
  verify(header: string | undefined): Promise<PowCheck>;
}

/** Options of {@link createPowService}. */
export interface PowServiceOptions extends PowSettings {
  now?: () => number;
  /** Replay memory (default: this process's); shared across a fleet through Redis. */
  claim?: SharedState['claim'];
}

const base64Pattern = /^[A-Za-z0-9+/_-]+={0,2}$/;
const invalid = (detail: string): PowCheck => ({ ok: false, code: 'pow_invalid', detail });
const expired: PowCheck = { ok: false, code: 'pow_expired', detail: 'Challenge has expired' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeHeader(header: string): unknown {
  if (header.length > 8192 || !base64Pattern.test(header)) return;
  try {
    return JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return;
  }
}

function equalText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function deriveKeyFor(algorithm: string): DeriveKeyFunction {
  return algorithm === 'SCRYPT' ? deriveScrypt : derivePbkdf2;
}

/** Creates the PoW service for the configured format. */
export function createPowService(options: PowServiceOptions): PowService {
  const { hmacSecret, algorithm, difficulty, cost, challengeTtlSeconds, now = Date.now } = options;
  const claim = options.claim ?? createMemorySharedState({ now }).claim;
  const keySecret = `${hmacSecret}:key-signature`;
  const classic = isClassicPowAlgorithm(algorithm);

  // Rejects (503) when the replay memory cannot be reached: a replay is never let through.
  const remember = async (key: string, expiresAtMs: number): Promise<PowCheck> => {
    const claimed = await claim(key, expiresAtMs);
    if (claimed === 'claimed') return { ok: true };
    if (claimed === 'full') {
      return { ok: false, code: 'rate_limit_exceeded', detail: 'Too many sessions, retry later' };
    }
    return invalid('Challenge solution was already used');
  };

  async function verifyClassic(payload: Record<string, unknown>): Promise<PowCheck> {
    const { challenge, number, salt, signature } = payload;
    if (
      payload.algorithm !== algorithm ||
      typeof challenge !== 'string' ||
      typeof salt !== 'string' ||
      typeof signature !== 'string' ||
      typeof number !== 'number' ||
      !Number.isSafeInteger(number) ||
      number < 0 ||
      salt.length > 512
    ) {
      return invalid('Challenge solution is malformed');
    }
    const check = await createChallengeV1({
      algorithm: algorithm as AlgorithmV1,
      hmacKey: hmacSecret,
      number,
      salt,
    });
    if (!equalText(check.challenge, challenge) || !equalText(check.signature, signature)) {
      return invalid('Challenge solution is invalid');
    }
    const expires = Number(
      extractParams({ algorithm: algorithm as AlgorithmV1, challenge, salt, signature }).expires,
    );
    if (!Number.isFinite(expires)) return invalid('Challenge has no expiry');
    if (expires * 1000 <= now()) return expired;
    return remember(`classic:${signature}`, expires * 1000);
  }

  async function verifyV2(payload: Record<string, unknown>): Promise<PowCheck> {
    const { challenge, solution } = payload;
    if (!isRecord(challenge) || !isRecord(solution) || !isRecord(challenge.parameters)) {
      return invalid('Challenge solution is malformed');
    }
    const parameters = challenge.parameters;
    const signature = challenge.signature;
    if (parameters.algorithm !== algorithm || typeof signature !== 'string') {
      return invalid('Challenge solution is malformed');
    }
    const expiresAt = parameters.expiresAt;
    if (typeof expiresAt !== 'number') return invalid('Challenge has no expiry');
    if (expiresAt * 1000 <= now()) return expired;
    const result = await verifySolutionV2({
      challenge: { parameters: parameters as unknown as ChallengeV2['parameters'], signature },
      solution: solution as { counter: number; derivedKey: string },
      deriveKey: deriveKeyFor(algorithm),
      hmacSignatureSecret: hmacSecret,
      hmacKeySignatureSecret: keySecret,
    });
    if (result.expired) return expired;
    if (!result.verified) return invalid('Challenge solution is invalid');
    return remember(`v2:${signature}`, expiresAt * 1000);
  }

  return {
    format: classic ? 'classic' : 'v2',
    async createChallenge() {
      const expiresAtMs = now() + challengeTtlSeconds * 1000;
      if (classic) {
        return createChallengeV1({
          algorithm: algorithm as AlgorithmV1,
          hmacKey: hmacSecret,
          maxnumber: difficulty,
          expires: new Date(expiresAtMs),
        });
      }
      return createChallengeV2({
        algorithm,
        cost,
        memoryCost: algorithm === 'SCRYPT' ? 8 : undefined,
        counter: randomInt(difficulty, Math.ceil(difficulty / 2)),
        deriveKey: deriveKeyFor(algorithm),
        expiresAt: Math.floor(expiresAtMs / 1000),
        hmacSignatureSecret: hmacSecret,
        hmacKeySignatureSecret: keySecret,
      });
    },
    async verify(header) {
      if (!header)
        return { ok: false, code: 'pow_required', detail: 'Challenge solution required' };
      const payload = decodeHeader(header.trim());
      if (!isRecord(payload)) return invalid('Challenge solution is not base64 JSON');
      try {
        return classic ? await verifyClassic(payload) : await verifyV2(payload);
      } catch (error) {
        // An unreachable replay memory is the server's problem, not the solution's.
        if (error instanceof ProblemError) throw error;
        // altcha-lib throws on values it cannot decode (bad hex, unknown algorithm): a bad solution.
        return invalid('Challenge solution is invalid');
      }
    },
  };
}
