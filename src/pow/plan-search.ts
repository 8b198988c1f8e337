import { InkeepChatError } from '../errors.ts';
import { isChallengeV2, type PowChallenge } from './challenge.ts';
import type { Sha256Job } from './search-sha256.ts';
import type { SubtleJob } from './search-subtle.ts';

/** What to search for a challenge: the job, the counters to try, and how many per batch. */
export interface SearchPlan {
  job: Sha256Job | SubtleJob;
  /** Counters 0 ≤ n < end. */
  end: number;
  /** Counters per batch handed to a worker. */
  batch: number;
  /** Whether Workers speed it up: JS hashing does, WebCrypto (one thread, off the page) not. */
  parallel: boolean;
  /** For v2 SHA-256: derives the key of the found counter for the answer. */
  keyJob?: SubtleJob;
}

const bytesOfHex = (hex: string) =>
  Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const wordsOfHex = (hex: string) =>
  Array.from({ length: 8 }, (_, i) => Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16) | 0);
const isHex = (value: unknown, maxLength: number): value is string =>
  typeof value === 'string' && value.length <= maxLength && /^(?:[0-9a-f]{2})*$/i.test(value);

/** Turns a challenge of either format into a search; throws `pow_failed` for unusable ones. */
export function planSearch(challenge: PowChallenge): SearchPlan {
  const unusable = () =>
    new InkeepChatError('pow_failed', 'The server sent a browser check this chat cannot solve.');
  if (isChallengeV2(challenge)) {
    const { algorithm, nonce, salt, cost, keyLength = 32, keyPrefix } = challenge.parameters;
    const { memoryCost: blockSize = 8, parallelism = 1 } = challenge.parameters;
    const prefix = String(keyPrefix).toLowerCase();
    if (!isHex(nonce, 256) || !isHex(salt, 256) || !/^[0-9a-f]{1,64}$/.test(prefix))
      throw unusable();
    if (!/^(SHA-(256|384|512)|PBKDF2\/SHA-(256|384|512)|SCRYPT)$/.test(algorithm)) throw unusable();
    const scrypt = algorithm === 'SCRYPT';
    // scrypt needs N a power of two; its memory (128·r·N bytes per candidate) stays modest.
    if (scrypt && (cost & (cost - 1) || 128 * blockSize * cost * parallelism > 2 ** 28))
      throw unusable();
    const keyed = scrypt || algorithm.startsWith('PBKDF2/');
    const subtle: SubtleJob = {
      kind: 'subtle',
      algorithm,
      prefix: keyed ? bytesOfHex(nonce) : bytesOfHex(salt + nonce),
      salt: bytesOfHex(salt),
      counter: 'uint32',
      cost: Math.max(1, cost),
      blockSize,
      parallelism,
      keyLength,
      target: prefix,
    };
    if (algorithm !== 'SHA-256' || keyLength < prefix.length / 2)
      return { job: subtle, end: 2 ** 32, batch: scrypt ? 2 : keyed ? 8 : 64, parallel: scrypt };
    const job: Sha256Job = {
      kind: 'sha256',
      prefix: subtle.prefix,
      counter: 'uint32',
      cost: subtle.cost,
      target: wordsOfHex(prefix.padEnd(64, '0')),
      mask: wordsOfHex('f'.repeat(prefix.length).padEnd(64, '0')),
    };
    return {
      job,
      end: 2 ** 32,
      batch: Math.max(1, Math.floor(40_000 / subtle.cost)),
      parallel: true,
      keyJob: { ...subtle, target: '' },
    };
  }
  const { algorithm, challenge: target, salt, maxnumber = 1e6 } = challenge;
  if (typeof salt !== 'string' || !isHex(target, 128) || !(maxnumber >= 0)) throw unusable();
  const end = Math.min(maxnumber, Number.MAX_SAFE_INTEGER - 1) + 1;
  const prefix = new TextEncoder().encode(salt);
  if (algorithm === 'SHA-256' && target.length === 64)
    return {
      job: {
        kind: 'sha256',
        prefix,
        counter: 'decimal',
        cost: 1,
        target: wordsOfHex(target),
        mask: Array(8).fill(-1),
      },
      end,
      batch: 40_000,
      parallel: true,
    };
  if (!/^SHA-(1|256|384|512)$/.test(algorithm)) throw unusable();
  const job: SubtleJob = {
    kind: 'subtle',
    algorithm,
    prefix,
    salt: new Uint8Array(0),
    counter: 'decimal',
    cost: 1,
    blockSize: 1,
    parallelism: 1,
    keyLength: 64,
    target: target.toLowerCase(),
  };
  return { job, end, batch: 64, parallel: false };
}
