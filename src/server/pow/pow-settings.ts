/** Algorithms of the classic ALTCHA format (`altcha-lib/v1`), which the public service speaks. */
export const classicPowAlgorithms = ['SHA-1', 'SHA-256', 'SHA-512'] as const;
/** Algorithms of the ALTCHA v2 format (`altcha-lib`). */
export const v2PowAlgorithms = [
  'PBKDF2/SHA-256',
  'PBKDF2/SHA-384',
  'PBKDF2/SHA-512',
  'SCRYPT',
] as const;

/** How proof of work is configured; absent when `INKEEP_POW_HMAC_SECRET` is unset. */
export interface PowSettings {
  hmacSecret: string;
  /** `SHA-256` (classic format, the default) or a v2 algorithm such as `PBKDF2/SHA-256`. */
  algorithm: string;
  /** Classic: the largest number to search (`maxnumber`); v2: the largest counter. */
  difficulty: number;
  /** v2 only: the key-derivation cost (iterations, or scrypt's N). */
  cost: number;
  challengeTtlSeconds: number;
}

/** Whether an algorithm selects the classic wire format. */
export function isClassicPowAlgorithm(algorithm: string): boolean {
  return (classicPowAlgorithms as readonly string[]).includes(algorithm);
}

/** The defaults for difficulty and cost of an algorithm. */
export function defaultPowWork(algorithm: string): { difficulty: number; cost: number } {
  if (isClassicPowAlgorithm(algorithm)) return { difficulty: 50_000, cost: 1 };
  if (algorithm === 'SCRYPT') return { difficulty: 200, cost: 1024 };
  return { difficulty: 1000, cost: 1000 };
}
