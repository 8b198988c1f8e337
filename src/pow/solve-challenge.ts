import { InkeepChatError } from '../errors.ts';
import { isChallengeV2, type PowChallenge, solutionHeader } from './challenge.ts';

/** Options of {@link solveChallenge}. */
export interface SolveChallengeOptions {
  signal?: AbortSignal | undefined;
  /** Give up with `pow_timeout` after this many milliseconds; default 60 s. */
  timeoutMs?: number;
}

/** Solves a challenge and returns the `x-inkeep-challenge-solution` header value. */
export type SolveChallenge = (
  challenge: PowChallenge,
  options?: SolveChallengeOptions,
) => Promise<string>;

const hex = (bytes: ArrayBuffer | Uint8Array) =>
  Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');

const fromHex = (text: string) =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

/**
 * Solves `challenge` on the main thread in slices that yield between batches.
 * @example
 * const header = await solveChallenge(await response.json(), { signal });
 */
export const solveChallenge: SolveChallenge = async (challenge, options = {}) => {
  const { signal, timeoutMs = 60_000 } = options;
  const started = Date.now();
  const encoder = new TextEncoder();
  const v2 = isChallengeV2(challenge) ? challenge.parameters : null;
  const max = v2 ? 0xffffffff : ((challenge as { maxnumber?: number }).maxnumber ?? 1e6);
  for (let counter = 0; counter <= max; counter++) {
    if (counter % 500 === 0) {
      signal?.throwIfAborted();
      if (Date.now() - started > timeoutMs)
        throw new InkeepChatError('pow_timeout', 'Checking your browser took too long.');
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (v2) {
      const password = new Uint8Array(v2.nonce.length / 2 + 4);
      password.set(fromHex(v2.nonce));
      new DataView(password.buffer).setUint32(password.length - 4, counter);
      const key = hex(await deriveKey(v2, fromHex(v2.salt), password));
      if (key.startsWith(v2.keyPrefix.toLowerCase()))
        return solutionHeader(challenge, counter, key);
    } else {
      const classic = challenge as { algorithm: string; salt: string; challenge: string };
      const digest = await crypto.subtle.digest(
        classic.algorithm,
        encoder.encode(classic.salt + counter),
      );
      if (hex(digest) === classic.challenge) return solutionHeader(challenge, counter);
    }
  }
  throw new InkeepChatError('pow_failed', 'The security check could not be solved.');
};

async function deriveKey(
  parameters: { algorithm: string; cost: number; keyLength?: number },
  salt: Uint8Array<ArrayBuffer>,
  password: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const { algorithm, cost, keyLength = 32 } = parameters;
  if (algorithm.startsWith('PBKDF2/')) {
    const key = await crypto.subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
    return new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: 'PBKDF2', salt, iterations: cost, hash: algorithm.slice(7) },
        key,
        keyLength * 8,
      ),
    );
  }
  let data: Uint8Array<ArrayBuffer> = new Uint8Array(salt.length + password.length);
  data.set(salt);
  data.set(password, salt.length);
  for (let round = 0; round < Math.max(1, cost); round++)
    data = new Uint8Array(await crypto.subtle.digest(algorithm, data));
  return data.slice(0, keyLength);
}
