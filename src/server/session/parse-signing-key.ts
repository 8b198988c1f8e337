import { createPublicKey, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../../contract/app.ts';

/** A registered public key, ready to verify with: its key object and its one algorithm. */
export interface ParsedSigningKey {
  alg: SigningAlgorithm;
  key: KeyObject;
}

/** Why a signing key was refused (completes "config.webClient.signingKeys[i].key …"). */
export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

// Each key type signs with exactly one algorithm, so a token cannot pick a weaker one.
function algorithmOf(key: KeyObject): SigningAlgorithm | undefined {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new SigningKeyError('is an RSA key shorter than 2048 bits');
    // Longer keys cost every verification more CPU than any site needs; other exponents are a
    // sign of a hand-made or weak key.
    if (bits > 4096) throw new SigningKeyError('is an RSA key longer than 4096 bits');
    if (key.asymmetricKeyDetails?.publicExponent !== 65537n) {
      throw new SigningKeyError('is an RSA key whose public exponent is not 65537');
    }
    return 'RS256';
  }
  if (type === 'ec') {
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new SigningKeyError('is an EC key on a curve other than P-256 (ES256)');
    }
    return 'ES256';
  }
  if (type === 'ed25519') return 'EdDSA';
  return;
}

const parsed = new WeakMap<object, ParsedSigningKey>();
const parsedPem = new Map<string, ParsedSigningKey>();

/**
 * Parses a registered public key (PEM SPKI text or a JWK object) with node:crypto and fixes its
 * algorithm: RSA of 2048 to 4096 bits with exponent 65537 → RS256, P-256 → ES256, Ed25519 →
 * EdDSA. Symmetric and private keys are refused (a private key would verify, but must never be
 * handed to this server). `alg`, when given, must be the key's own. Throws
 * {@link SigningKeyError}. Results are remembered per key.
 */
export function parseSigningKey(
  input: string | Record<string, unknown>,
  alg?: SigningAlgorithm,
): ParsedSigningKey {
  const remembered = typeof input === 'string' ? parsedPem.get(input) : parsed.get(input);
  if (remembered && (!alg || alg === remembered.alg)) return remembered;
  let key: KeyObject;
  if (typeof input === 'string') {
    if (/PRIVATE KEY/.test(input)) {
      throw new SigningKeyError('is a private key: register the public key only');
    }
    if (!/-----BEGIN PUBLIC KEY-----/.test(input)) {
      throw new SigningKeyError('is not a PEM public key (-----BEGIN PUBLIC KEY-----)');
    }
    try {
      key = createPublicKey({ key: input, format: 'pem' });
    } catch {
      throw new SigningKeyError('is not a readable PEM public key');
    }
  } else {
    if (input.kty === 'oct') {
      throw new SigningKeyError('is a symmetric key: register an RSA, P-256 or Ed25519 public key');
    }
    if ('d' in input || 'p' in input || 'k' in input) {
      throw new SigningKeyError('is a private key: register the public key only');
    }
    try {
      key = createPublicKey({ key: input as never, format: 'jwk' });
    } catch {
      throw new SigningKeyError('is not a readable JWK public key');
    }
  }
  const own = algorithmOf(key);
  if (!own) {
    throw new SigningKeyError('is not an RSA, P-256 or Ed25519 key (RS256, ES256 or EdDSA)');
  }
  if (alg && alg !== own)
    throw new SigningKeyError(`is not a key for ${alg} (it is one for ${own})`);
  const result = { alg: own, key };
  if (typeof input === 'string') {
    if (parsedPem.size >= 1000) parsedPem.clear();
    parsedPem.set(input, result);
  } else {
    parsed.set(input, result);
  }
  return result;
}
