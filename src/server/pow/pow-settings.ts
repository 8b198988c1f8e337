import type { SecretList } from '../secrets/create-secret-ring.ts';

/** Algorithms of the classic ALTCHA format (`altcha-lib/v1`), which the public service speaks. */
export const classicPowAlgorithms = ['SHA-1', 'SHA-256', 'SHA-512'] as const;
/** Algorithms of the ALTCHA v2 format (`altcha-lib`). */
export const v2PowAlgorithms = [
  'PBKDF2/SHA-256',
  'PBKDF2/SHA-384',
  'PBKDF2/SHA-512',
  'SCRYPT',
] as const;

/** How many levels above 0 a client over its session budget may climb before it is refused. */
export const defaultMaxPowLevel = 3;

/** How proof of work is configured; absent when `INKEEP_POW_HMAC_SECRET` is unset. */
export interface PowSettings {
  /** One secret, or several newest first while rotating (the first signs, each verifies). */
  hmacSecret: SecretList;
  /** `SHA-256` (classic format, the default) or a v2 algorithm such as `PBKDF2/SHA-256`. */
  algorithm: string;
  /**
   * Classic: the largest number to search (`maxnumber`). v2: the key derivations a solution
   * takes on average, rounded to a power of 16 (see {@link keyPrefixDigits}).
   */
  difficulty: number;
  /** v2 only: the key-derivation cost (iterations, or scrypt's N). */
  cost: number;
  challengeTtlSeconds: number;
  /** The highest difficulty level (default {@link defaultMaxPowLevel}); 0 turns levels off. */
  maxLevel?: number;
}

/** Whether an algorithm selects the classic wire format. */
export function isClassicPowAlgorithm(algorithm: string): boolean {
  return (classicPowAlgorithms as readonly string[]).includes(algorithm);
}

/** The defaults for difficulty and cost of an algorithm. */
export function defaultPowWork(algorithm: string): { difficulty: number; cost: number } {
  if (isClassicPowAlgorithm(algorithm)) return { difficulty: 50_000, cost: 1 };
  if (algorithm === 'SCRYPT') return { difficulty: 256, cost: 1024 };
  return { difficulty: 256, cost: 1000 };
}

/**
 * The hex digits of a v2 key prefix: a random key starts with a given digit one time in 16, so
 * `d` digits take 16^d derivations on average. The difficulty is rounded to the nearest power of
 * 16 (256 → 2 digits, 1000 → 2, 3000 → 3, 4096 → 3), at least one digit; each level adds one
 * digit, so v2 difficulty moves in steps of 16×.
 */
export function keyPrefixDigits(difficulty: number, level = 0): number {
  const base = Math.max(1, Math.round(Math.log(Math.max(1, difficulty)) / Math.log(16)));
  return Math.min(64, base + level);
}

/** Classic: the `maxnumber` of a level, four times the previous level's. */
export function classicMaxNumber(difficulty: number, level = 0): number {
  return Math.min(Number.MAX_SAFE_INTEGER, difficulty * 4 ** level);
}

/**
 * The level a client's session request needs: 0 within its budget (`consumed` ≤ `budget`),
 * one more for each further budget's worth of requests in the same window.
 * @example powLevel(21, 20) === 1
 */
export function powLevel(consumed: number, budget: number): number {
  return Math.max(0, Math.floor((consumed - 1) / Math.max(1, budget)));
}
