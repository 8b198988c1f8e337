import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { App } from '../../../src/server/apps/app.ts';
import { verifyUserToken } from '../../../src/server/session/verify-user-token.ts';

const now = Date.UTC(2026, 5, 1, 12);
const seconds = now / 1000;

/** An app as stored, its keys taken as they are (not checked again by normalizeApp). */
function appWith(signingKeys: { kid: string; key: unknown }[]): App {
  return {
    id: 'app_demo',
    config: { webClient: { allowedDomains: ['localhost'], signingKeys } },
  } as unknown as App;
}

describe('verifyUserToken', () => {
  it('refuses, never throws, when a registered key no longer parses (stored under older rules)', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ sub: 'user-1', iat: seconds, exp: seconds + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: 'old' })
      .sign(privateKey);
    // 4160 bits: over today's 4096-bit cap.
    const modulus = Buffer.alloc(520, 0xab);
    modulus[0] = 0xc1;
    const stored = { kty: 'RSA', n: modulus.toString('base64url'), e: 'AQAB' };
    for (const key of [stored, 'not a key']) {
      const check = await verifyUserToken(token, appWith([{ kid: 'old', key }]), () => now);
      expect(check).toEqual({
        ok: false,
        code: 'user_token_unknown_kid',
        detail: 'The app\'s key "old" is not usable: register it again',
      });
    }
  });

  it.each([
    ['a string', 'soon'],
    ['null', null],
    ['an object', {}],
    ['a future number', seconds + 61],
  ])('refuses an nbf that is %s as user_token_iat_skew', async (_, nbf) => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const app = appWith([{ kid: 'k', key: await exportJWK(publicKey) }]);
    // A site may sign anything: the payload is not held to jose's claim types.
    const payload = {
      sub: 'user-1',
      iat: seconds,
      exp: seconds + 60,
      nbf,
    } as unknown as JWTPayload;
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .sign(privateKey);
    expect(await verifyUserToken(token, app, () => now)).toMatchObject({
      ok: false,
      code: 'user_token_iat_skew',
    });
    const fine = await new SignJWT({ sub: 'user-1', iat: seconds, exp: seconds + 60, nbf: seconds })
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .sign(privateKey);
    expect(await verifyUserToken(fine, app, () => now)).toMatchObject({ ok: true });
  });
});
