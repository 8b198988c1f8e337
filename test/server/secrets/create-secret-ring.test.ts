import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretRing, keyIdOf } from '../../../src/server/secrets/create-secret-ring.ts';

const s1 = 'a'.repeat(32);
const s2 = 'b'.repeat(32);

describe('createSecretRing', () => {
  it('names a secret by the first 8 hex digits of its SHA-256', () => {
    expect(keyIdOf(s1)).toBe(createHash('sha256').update(s1).digest('hex').slice(0, 8));
    expect(keyIdOf(s1)).not.toBe(keyIdOf(s2));
  });

  it('signs with the first secret; a kid selects one, no kid selects each, newest first', () => {
    const ring = createSecretRing([s2, s1, s2], (secret) => `key of ${secret}`);
    expect(ring.signing).toEqual({ kid: keyIdOf(s2), key: `key of ${s2}` });
    expect(ring.candidates(keyIdOf(s1))).toEqual([{ kid: keyIdOf(s1), key: `key of ${s1}` }]);
    expect(ring.candidates(undefined).map((entry) => entry.key)).toEqual([
      `key of ${s2}`,
      `key of ${s1}`,
    ]);
    for (const unknown of ['00000000', '', s1, 7, null, {}]) {
      expect(ring.candidates(unknown), String(unknown)).toEqual([]);
    }
    expect(createSecretRing(s1).signing).toEqual({ kid: keyIdOf(s1), key: s1 });
  });

  it('refuses an empty list', () => {
    expect(() => createSecretRing([])).toThrow(TypeError);
  });
});
