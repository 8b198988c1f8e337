import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { anonymousSubPattern } from '../../contract/app.ts';
import type { App } from '../apps/app.ts';
import { createSecretRing, type SecretList } from '../secrets/create-secret-ring.ts';
import { firstValidSecondOf } from './session-revocation.ts';

/** The claims of an anonymous-session token, exactly as DESIGN.md lists them. */
export interface AnonymousClaims {
  sub: string;
  iss: 'inkeep';
  iat: number;
  exp: number;
  tid: string;
  pid: string;
  app: string;
  type: 'anonymous';
}

/**
 * Issues and verifies anonymous-session JWTs (HS256 only). Tokens are signed with the first
 * secret and name it by `kid` in their header; a token is verified with the secret its `kid`
 * names (refused when it names none configured), and a token without `kid` (issued before key
 * ids) with each configured secret.
 */
export interface TokenService {
  /**
   * Signs a token for `app`, keeping `sub` when given (rolling refresh). A token issued in the
   * second its app's sessions were revoked is dated the next second, so that it stays valid.
   */
  issue(
    app: App,
    sub?: string,
  ): Promise<{ token: string; expiresAt: string; claims: AnonymousClaims }>;
  /** The claims of a valid token, or undefined for any failure (never throws). */
  verify(token: string): Promise<AnonymousClaims | undefined>;
}

/** Options of {@link createTokenService}. */
export interface TokenServiceOptions {
  /** `INKEEP_ANON_JWT_SECRET`: one secret, or several newest first while rotating. */
  secret: SecretList;
  lifetimeSeconds: number;
  now?: () => number;
}

export { anonymousSubPattern };

/** Creates the {@link TokenService} for one secret or a rotating list of them. */
export function createTokenService({
  secret,
  lifetimeSeconds,
  now = Date.now,
}: TokenServiceOptions): TokenService {
  // Imported once: jose would otherwise import a raw secret into WebCrypto on every call.
  const ring = createSecretRing(secret, (entry) =>
    crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(entry),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    ),
  );

  async function payloadOf(
    token: string,
    key: Promise<CryptoKey>,
  ): Promise<JWTPayload | undefined> {
    try {
      const { payload } = await jwtVerify(token, await key, {
        algorithms: ['HS256'],
        issuer: 'inkeep',
        requiredClaims: ['sub', 'iat', 'exp'],
        currentDate: new Date(now()),
      });
      return payload;
    } catch {
      return;
    }
  }

  return {
    async issue(app, sub = `anon_${randomUUID()}`) {
      const iat = Math.max(Math.floor(now() / 1000), firstValidSecondOf(app));
      const exp = iat + lifetimeSeconds;
      const claims: AnonymousClaims = {
        sub,
        iss: 'inkeep',
        iat,
        exp,
        tid: app.tenantId,
        pid: app.projectId,
        app: app.id,
        type: 'anonymous',
      };
      const token = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: ring.signing.kid })
        .sign(await ring.signing.key);
      return { token, expiresAt: new Date(exp * 1000).toISOString(), claims };
    },
    async verify(token) {
      if (!token || token.length > 4096) return;
      let kid: unknown;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch {
        return;
      }
      let payload: JWTPayload | undefined;
      // One secret when the token names one (none when it names an unknown one); a token from
      // before key ids is tried against each, so an upgrade logs nobody out.
      for (const { key } of ring.candidates(kid)) {
        payload = await payloadOf(token, key);
        if (payload) break;
      }
      if (!payload) return;
      const { sub, tid, pid, app, type, iat, exp } = payload;
      if (
        type !== 'anonymous' ||
        typeof sub !== 'string' ||
        !anonymousSubPattern.test(sub) ||
        typeof tid !== 'string' ||
        typeof pid !== 'string' ||
        typeof app !== 'string' ||
        typeof iat !== 'number' ||
        typeof exp !== 'number'
      ) {
        return;
      }
      // jose tolerates a future `iat`; a token issued in the future was not issued by us.
      if (iat > Math.floor(now() / 1000) + 60) return;
      return { sub, iss: 'inkeep', iat, exp, tid, pid, app, type };
    },
  };
}
