// Proof of work with ALTCHA challenges (altcha-lib). Issuing a challenge costs the server one
// random draw and one HMAC, whatever the algorithm; only verification derives a key, once.
//
// Classic format (default, `altcha-lib/v1`): the challenge is
// `{ algorithm, challenge, maxnumber, salt, signature }` where `challenge = hash(salt + number)`,
// `signature = HMAC(challenge)` and the salt carries `?expires=<unix seconds>&` (and `level=<n>`
// above level 0, so the signature covers the level too). Level n searches `maxnumber` =
// difficulty × 4^n. The client sends `base64(JSON { algorithm, challenge, number, salt,
// signature })`.
//
// v2 format (`altcha-lib`, selected by a v2 algorithm such as `PBKDF2/SHA-256`): the challenge
// is `{ parameters, signature }` in altcha-lib's non-deterministic mode: a random nonce and
// salt, a `keyPrefix` of zeros (one hex digit per 16× of work, see keyPrefixDigits) and
// `data.level` above level 0, all covered by `signature = HMAC(parameters)`. The client finds a
// counter whose derived key starts with the prefix and sends `base64(JSON { challenge:
// { parameters, signature }, solution: { counter, derivedKey } })`. The server checks the
// signature, the level and the replay memory first, then derives that one key.
//
// Either way an accepted solution is remembered until its challenge expires: a replay is invalid.
//
// Rotation: `hmacSecret` may list several secrets, newest first. Challenges are signed with the
// first and name it by key id (see create-secret-ring.ts) inside what is signed, where solvers
// ignore it: classic in the salt's parameters (`?kid=<8 hex>&…`, covered by the challenge hash
// and so by the signature), v2 in `parameters.data.kid`. A solution is checked against the
// secret its challenge names (an unknown name is an invalid signature), or, for a challenge from
// before key ids, against each secret. The classic salt's random part is 6 bytes (altcha-lib's
// default is 12) so that the key id costs no length: salt and number still fit the one SHA-256
// block they fitted before (≤ 55 bytes up to 10 digits), and a second block would double every
// visitor's work per try.
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  type Challenge as ChallengeV2,
  createChallenge as createChallengeV2,
  type DeriveKeyFunction,
  verifySolution as verifySolutionV2,
} from 'altcha-lib';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/pbkdf2';
import { deriveKey as deriveScrypt } from 'altcha-lib/algorithms/scrypt';
import { createChallenge as createChallengeV1, extractParams } from 'altcha-lib/v1';
import type { Algorithm as AlgorithmV1, Challenge as ChallengeV1 } from 'altcha-lib/v1/types';
import { ProblemError } from '../http/problem-error.ts';
import { createSecretRing } from '../secrets/create-secret-ring.ts';
import { createMemorySharedState } from '../shared/create-memory-shared-state.ts';
import type { SharedState } from '../shared/shared-state.ts';
import {
  classicMaxNumber,
  defaultMaxPowLevel,
  isClassicPowAlgorithm,
  keyPrefixDigits,
  type PowSettings,
} from './pow-settings.ts';

/** The outcome of checking an `x-inkeep-challenge-solution` header. */
export type PowCheck =
  | { ok: true }
  | { ok: false; code: 'pow_required' | 'pow_invalid' | 'pow_expired'; detail: string }
  | {
      ok: false;
      code: 'rate_limit_exceeded';
      detail: string;
      /** Seconds until the client's remembered solutions expire. */
      retryAfter: number;
    };

/** What a solution must satisfy besides being valid and unused. */
export interface PowRequirement {
  /** The replay-memory bucket the solution is remembered under (the client's IP prefix). */
  bucket?: string;
  /** The lowest level of challenge accepted (0: any). */
  level?: number;
}

/** Issues ALTCHA challenges and verifies single-use solutions. */
export interface PowService {
  format: 'classic' | 'v2';
  /** The highest level {@link createChallenge} issues. */
  maxLevel: number;
  /** A signed challenge at `level` (0 to {@link maxLevel}); HMAC only, no key derivation. */
  createChallenge(level?: number): Promise<ChallengeV1 | ChallengeV2>;
  verify(header: string | undefined, requirement?: PowRequirement): Promise<PowCheck>;
}

/** Options of {@link createPowService}. */
export interface PowServiceOptions extends PowSettings {
  now?: () => number;
  /** Replay memory (default: this process's); shared across a fleet through Redis. */
  claim?: SharedState['claim'];
  /** v2 key derivation (default: altcha-lib's for the algorithm); tests count its calls. */
  deriveKey?: DeriveKeyFunction;
}

/** Random bytes of a classic salt (see the header: one SHA-256 block per try). */
const classicSaltBytes = 6;
const base64Pattern = /^[A-Za-z0-9+/_-]+={0,2}$/;
const invalid = (detail: string): PowCheck => ({ ok: false, code: 'pow_invalid', detail });
const expired: PowCheck = { ok: false, code: 'pow_expired', detail: 'Challenge has expired' };
const tooEasy = invalid('Challenge is easier than this client now needs; get a new one');

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

/** JSON with object keys sorted and undefined values dropped: what altcha-lib signs. */
function canonicalJson(value: unknown): string {
  const sorted = (item: unknown): unknown =>
    isRecord(item)
      ? Object.fromEntries(
          Object.keys(item)
            .sort()
            .filter((key) => item[key] !== undefined)
            .map((key) => [key, sorted(item[key])]),
        )
      : item;
  return JSON.stringify(sorted(value));
}

function deriveKeyFor(algorithm: string): DeriveKeyFunction {
  return algorithm === 'SCRYPT' ? deriveScrypt : derivePbkdf2;
}

function levelOf(value: unknown): number {
  const level = Number(value ?? 0);
  return Number.isSafeInteger(level) && level >= 0 ? level : -1;
}

/** Creates the PoW service for the configured format. */
export function createPowService(options: PowServiceOptions): PowService {
  const { algorithm, difficulty, cost, challengeTtlSeconds, now = Date.now } = options;
  const ring = createSecretRing(options.hmacSecret);
  const maxLevel = Math.max(0, options.maxLevel ?? defaultMaxPowLevel);
  const claim = options.claim ?? createMemorySharedState({ now }).claim;
  const deriveKey = options.deriveKey ?? deriveKeyFor(algorithm);
  const classic = isClassicPowAlgorithm(algorithm);
  const full: PowCheck = {
    ok: false,
    code: 'rate_limit_exceeded',
    detail: 'Too many sessions from this network, retry later',
    retryAfter: challengeTtlSeconds,
  };

  // Rejects (503) when the replay memory cannot be reached: a replay is never let through.
  const remember = async (key: string, expiresAtMs: number, bucket?: string) => {
    const claimed = await claim(key, expiresAtMs, bucket);
    if (claimed === 'claimed') return;
    return claimed === 'full' ? full : invalid('Challenge solution was already used');
  };

  async function verifyClassic(
    payload: Record<string, unknown>,
    { bucket, level: required = 0 }: PowRequirement,
  ): Promise<PowCheck> {
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
    const params = extractParams({
      algorithm: algorithm as AlgorithmV1,
      challenge,
      salt,
      signature,
    });
    let signed = false;
    for (const { key } of ring.candidates(params.kid)) {
      const check = await createChallengeV1({
        algorithm: algorithm as AlgorithmV1,
        hmacKey: key,
        number,
        salt,
      });
      signed = equalText(check.challenge, challenge) && equalText(check.signature, signature);
      if (signed) break;
    }
    if (!signed) return invalid('Challenge solution is invalid');
    const expires = Number(params.expires);
    if (!Number.isFinite(expires)) return invalid('Challenge has no expiry');
    if (expires * 1000 <= now()) return expired;
    if (levelOf(params.level) < required) return tooEasy;
    return (await remember(`classic:${signature}`, expires * 1000, bucket)) ?? { ok: true };
  }

  async function verifyV2(
    payload: Record<string, unknown>,
    { bucket, level: required = 0 }: PowRequirement,
  ): Promise<PowCheck> {
    const { challenge, solution } = payload;
    if (!isRecord(challenge) || !isRecord(solution) || !isRecord(challenge.parameters)) {
      return invalid('Challenge solution is malformed');
    }
    const parameters = challenge.parameters;
    const signature = challenge.signature;
    const { derivedKey, counter } = solution;
    if (
      parameters.algorithm !== algorithm ||
      typeof signature !== 'string' ||
      typeof parameters.keyPrefix !== 'string' ||
      typeof derivedKey !== 'string' ||
      typeof counter !== 'number'
    ) {
      return invalid('Challenge solution is malformed');
    }
    // Everything before the derivation costs an HMAC per candidate secret at most (one, unless
    // the challenge predates key ids), so a forged, replayed, stale or too easy solution never
    // makes the server derive a key.
    const data = isRecord(parameters.data) ? parameters.data : {};
    const signed = canonicalJson(parameters);
    const signer = ring
      .candidates(data.kid)
      .find(({ key }) =>
        equalText(createHmac('sha256', key).update(signed).digest('hex'), signature),
      );
    if (!signer) return invalid('Challenge solution is invalid');
    const expiresAt = parameters.expiresAt;
    if (typeof expiresAt !== 'number') return invalid('Challenge has no expiry');
    if (expiresAt * 1000 <= now()) return expired;
    if (levelOf(data.level) < required) return tooEasy;
    if (!derivedKey.startsWith(parameters.keyPrefix.toLowerCase())) {
      return invalid('Challenge solution is invalid');
    }
    // Claimed before the derivation: each challenge makes the server derive at most once.
    const refused = await remember(`v2:${signature}`, expiresAt * 1000, bucket);
    if (refused) return refused;
    const result = await verifySolutionV2({
      challenge: { parameters: parameters as unknown as ChallengeV2['parameters'], signature },
      solution: { counter, derivedKey },
      deriveKey,
      hmacSignatureSecret: signer.key,
    });
    if (result.expired) return expired;
    if (!result.verified) return invalid('Challenge solution is invalid');
    return { ok: true };
  }

  return {
    format: classic ? 'classic' : 'v2',
    maxLevel,
    async createChallenge(requested = 0) {
      const level = Math.min(maxLevel, Math.max(0, Math.floor(requested)));
      const expiresAtMs = now() + challengeTtlSeconds * 1000;
      if (classic) {
        return createChallengeV1({
          algorithm: algorithm as AlgorithmV1,
          hmacKey: ring.signing.key,
          saltLength: classicSaltBytes,
          maxnumber: classicMaxNumber(difficulty, level),
          expires: new Date(expiresAtMs),
          params: { kid: ring.signing.kid, ...(level > 0 ? { level: String(level) } : {}) },
        });
      }
      // No `counter`: altcha-lib's non-deterministic mode, which signs and never derives.
      return createChallengeV2({
        algorithm,
        cost,
        memoryCost: algorithm === 'SCRYPT' ? 8 : undefined,
        keyPrefix: '0'.repeat(keyPrefixDigits(difficulty, level)),
        deriveKey,
        expiresAt: Math.floor(expiresAtMs / 1000),
        hmacSignatureSecret: ring.signing.key,
        data: { kid: ring.signing.kid, ...(level > 0 ? { level } : {}) },
      });
    },
    async verify(header, requirement = {}) {
      if (!header)
        return { ok: false, code: 'pow_required', detail: 'Challenge solution required' };
      const payload = decodeHeader(header.trim());
      if (!isRecord(payload)) return invalid('Challenge solution is not base64 JSON');
      try {
        return classic
          ? await verifyClassic(payload, requirement)
          : await verifyV2(payload, requirement);
      } catch (error) {
        // An unreachable replay memory is the server's problem, not the solution's.
        if (error instanceof ProblemError) throw error;
        // altcha-lib throws on values it cannot decode (bad hex, unknown algorithm): a bad solution.
        return invalid('Challenge solution is invalid');
      }
    },
  };
}
