import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { anonymousSubPattern, userSubPattern } from '../../contract/app.ts';
import type { App } from '../apps/app.ts';
import { createSecretRing, type SecretList } from '../secrets/create-secret-ring.ts';
import { firstValidSecondOf } from './session-revocation.ts';

/**
 * The claims of a session token: an anonymous one exactly as DESIGN.md lists them, or a
 * signed-in visitor's (`type: "user"`, `sub` = `user_…`), which also carries the claims the
 * site's backend signed (`usr`, at most 1 KB), verified when the session was issued.
 */
export interface SessionClaims {
  sub: string;
  iss: 'inkeep';
  iat: number;
  exp: number;
  tid: string;
  pid: string;
  app: string;
  type: 'anonymous' | 'user';
  usr?: Record<string, unknown>;
}

/** The claims of a session token (anonymous or signed-in). */
export type AnonymousClaims = SessionClaims;

/** What makes an issued session a signed-in visitor's. */
export interface UserSessionInput {
  /** `user_…`, derived from the site's user id. */
  sub: string;
  /** Verified claims of the site's token (omitted when empty). */
  claims: Record<string, unknown>;
  /** The site token's `exp` (unix seconds): the session ends no later. */
  exp: number;
  /**
   * The least `iat` this user's sessions may carry (unix seconds), from a sign-out of this user:
   * a session issued in the second of the sign-out carries the next one, so it is not refused.
   */
  notBefore?: number;
}

/**
 * Issues and verifies session JWTs, anonymous and signed-in (HS256 only). Tokens are signed with the first
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
  ): Promise<{ token: string; expiresAt: string; claims: SessionClaims }>;
  /** Signs a signed-in visitor's session for `app` (same secrets, `type: "user"`). */
  issueUser(
    app: App,
    user: UserSessionInput,
  ): Promise<{ token: string; expiresAt: string; claims: SessionClaims }>;
  /** The claims of a valid token, or undefined for any failure (never throws). */
  verify(token: string): Promise<SessionClaims | undefined>;
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

  async function sign(claims: SessionClaims) {
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: ring.signing.kid })
      .sign(await ring.signing.key);
    return { token, expiresAt: new Date(claims.exp * 1000).toISOString(), claims };
  }

  const issuedAt = (app: App) => Math.max(Math.floor(now() / 1000), firstValidSecondOf(app));
  const scope = (app: App) => ({ tid: app.tenantId, pid: app.projectId, app: app.id });

  return {
    issue(app, sub = `anon_${randomUUID()}`) {
      const iat = issuedAt(app);
      return sign({
        sub,
        iss: 'inkeep',
        iat,
        exp: iat + lifetimeSeconds,
        ...scope(app),
        type: 'anonymous',
      });
    },
    issueUser(app, user) {
      const iat = Math.max(issuedAt(app), user.notBefore ?? 0);
      const claims: SessionClaims = {
        sub: user.sub,
        iss: 'inkeep',
        iat,
        exp: Math.max(iat + 1, Math.min(user.exp, iat + lifetimeSeconds)),
        ...scope(app),
        type: 'user',
      };
      if (Object.keys(user.claims).length) claims.usr = user.claims;
      return sign(claims);
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
      const { sub, tid, pid, app, type, iat, exp, usr } = payload;
      const subPattern =
        type === 'anonymous' ? anonymousSubPattern : type === 'user' ? userSubPattern : undefined;
      if (
        !subPattern ||
        typeof sub !== 'string' ||
        !subPattern.test(sub) ||
        (usr !== undefined && (typeof usr !== 'object' || usr === null || Array.isArray(usr))) ||
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
      const claims: SessionClaims = {
        sub,
        iss: 'inkeep',
        iat,
        exp,
        tid,
        pid,
        app,
        type: type === 'user' ? 'user' : 'anonymous',
      };
      if (usr) claims.usr = usr as Record<string, unknown>;
      return claims;
    },
  };
}
