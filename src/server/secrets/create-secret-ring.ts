// Secrets that rotate without downtime. A secret setting holds a list, newest first: the first
// signs, every one verifies. Whatever is signed names its secret by a key id (`kid`) derived from
// it (never the secret itself), so verification tries one secret. Something signed before key
// ids existed names none and is tried against each secret (a list holds a handful at most), so
// an upgrade logs nobody out. A key id that names no configured secret verifies nothing.
import { createHash } from 'node:crypto';

/** One secret, or several newest first (the first signs, every one verifies). */
export type SecretList = string | readonly string[];

/** One secret of a ring: its key id and what is made from it to sign and verify. */
export interface RingEntry<Key> {
  /** The first 8 hex digits of the secret's SHA-256: names it without revealing it. */
  kid: string;
  key: Key;
}

/** The secrets of one setting, ready to sign with the first and verify with any. */
export interface SecretRing<Key> {
  /** The newest secret, which signs. */
  signing: RingEntry<Key>;
  /**
   * The secrets to verify something that names `kid` with: the one it names (none when the name
   * is unknown or not a string), or every secret, newest first, when it names none.
   */
  candidates(kid: unknown): readonly RingEntry<Key>[];
}

/**
 * The key id of a secret: the first 8 hex digits of its SHA-256.
 * @example keyIdOf('x'.repeat(32)) // → 8 hex digits
 */
export function keyIdOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 8);
}

/** The secrets of a {@link SecretList}, newest first, without repeats. */
export function secretsOf(list: SecretList): string[] {
  const secrets = typeof list === 'string' ? [list] : [...list];
  return secrets.filter((secret, index) => secrets.indexOf(secret) === index);
}

/**
 * A ring over the secrets of `list`; `toKey` turns each secret into what signs (e.g. an
 * imported CryptoKey), once. Throws when the list is empty (settings refuse that first).
 */
export function createSecretRing<Key = string>(
  list: SecretList,
  toKey: (secret: string) => Key = (secret) => secret as Key,
): SecretRing<Key> {
  const entries = secretsOf(list).map((secret) => ({ kid: keyIdOf(secret), key: toKey(secret) }));
  const [signing] = entries;
  if (!signing) throw new TypeError('A secret list needs at least one secret');
  return {
    signing,
    candidates(kid) {
      if (kid === undefined) return entries;
      return typeof kid === 'string' ? entries.filter((entry) => entry.kid === kid) : [];
    },
  };
}
