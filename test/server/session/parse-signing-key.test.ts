import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSigningKey } from '../../../src/server/session/parse-signing-key.ts';

/** An RSA public JWK of `bytes` × 8 bits with exponent `e` (a modulus need not be real to parse). */
function rsaJwk(bytes: number, e = 'AQAB') {
  const modulus = Buffer.alloc(bytes, 0xab);
  modulus[0] = 0xc1;
  return { kty: 'RSA', n: modulus.toString('base64url'), e };
}

describe('parseSigningKey', () => {
  it('takes RSA keys of 2048 to 4096 bits with exponent 65537 as RS256', () => {
    expect(parseSigningKey(rsaJwk(256)).alg).toBe('RS256');
    expect(parseSigningKey(rsaJwk(512)).alg).toBe('RS256');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(parseSigningKey(publicKey.export({ format: 'pem', type: 'spki' }) as string).alg).toBe(
      'RS256',
    );
  });

  it.each([
    ['shorter than 2048 bits', rsaJwk(255), 'is an RSA key shorter than 2048 bits'],
    ['longer than 4096 bits', rsaJwk(513), 'is an RSA key longer than 4096 bits'],
    ['of 8192 bits', rsaJwk(1024), 'is an RSA key longer than 4096 bits'],
    ['with exponent 3', rsaJwk(256, 'Aw'), 'is an RSA key whose public exponent is not 65537'],
    ['with exponent 1', rsaJwk(256, 'AQ'), 'is an RSA key whose public exponent is not 65537'],
  ])('refuses an RSA key %s', (_, key, message) => {
    expect(() => parseSigningKey(key)).toThrow(message);
  });
});
