// Signed-in visitors. The site's backend signs a short-lived JWT for its user with a private key
// whose public half the app registered (`config.webClient.signingKeys`, each named by `kid`). The
// key is chosen by the token's `kid` and the algorithm is the key's own, never the token's.
// Claims are checked one by one so that each failure has its own code: a site's developer
// learns at once whether the clock, the key or the audience is wrong.
import { createHash } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, errors } from 'jose';
import type { App } from '../apps/app.ts';
import { parseSigningKey } from './parse-signing-key.ts';

/** The codes of a refused site token (every one a 401). */
export type UserTokenProblemCode =
  | 'user_token_malformed'
  | 'user_token_unknown_kid'
  | 'user_token_bad_signature'
  | 'user_token_missing_sub'
  | 'user_token_expired'
  | 'user_token_too_long_lived'
  | 'user_token_iat_skew'
  | 'user_token_bad_audience'
  | 'user_token_claims_too_large';

/** The outcome of {@link verifyUserToken}. */
export type UserTokenCheck =
  | {
      ok: true;
      /** The site's user id, as signed. */
      userId: string;
      /** `user_` + 32 hex: the session's `sub`, the same for this user on every device. */
      sub: string;
      /** Claims beyond the registered ones (at most {@link maxClaimsBytes}). */
      claims: Record<string, unknown>;
      /** The token's `exp`, unix seconds. */
      exp: number;
    }
  | { ok: false; code: UserTokenProblemCode; detail: string };

/** The longest site token accepted, in characters. */
export const maxUserTokenLength = 8192;
/** The longest site user id (`sub`), in characters. */
export const maxUserIdLength = 256;
/** The longest a site token may live: `exp` at most this after `iat` and after now. */
export const maxUserTokenLifetimeSeconds = 24 * 60 * 60;
/** How far `iat` may be from the server's clock. */
export const clockSkewSeconds = 60;
/** The JSON length the verified claims may have. */
export const maxClaimsBytes = 1024;

const registered = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti']);

/** A signed-in visitor's `sub` for site user `userId` of app `appId`. */
export function userSubOf(appId: string, userId: string): string {
  return `user_${createHash('sha256').update(`${appId}\n${userId}`).digest('hex').slice(0, 32)}`;
}

const refuse = (code: UserTokenProblemCode, detail: string): UserTokenCheck => ({
  ok: false,
  code,
  detail,
});

/**
 * Verifies a token the site's backend signed for one of its users: the key its `kid` names among
 * the app's signing keys, with that key's algorithm only; `sub` a non-empty string of at most 256
 * characters; `exp` required, in the future and at most 24 h after `iat` and after now; `iat`
 * required and within 60 s of now; `nbf`, when given, a number not in the future; `aud` naming
 * the app's audience when it sets one; other claims at most 1 KB of JSON. A registered key that
 * no longer parses refuses its tokens (`user_token_unknown_kid`). Never throws.
 */
export async function verifyUserToken(
  token: string,
  app: App,
  now: () => number = Date.now,
): Promise<UserTokenCheck> {
  if (token.length > maxUserTokenLength) {
    return refuse(
      'user_token_malformed',
      `The token is longer than ${maxUserTokenLength} characters`,
    );
  }
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return refuse('user_token_malformed', 'The token is not a signed JWT (JWS compact form)');
  }
  if (typeof kid !== 'string') {
    return refuse('user_token_unknown_kid', 'The token names no key: its header needs a kid');
  }
  const registeredKey = app.config.webClient.signingKeys?.find((entry) => entry.kid === kid);
  if (!registeredKey) {
    return refuse(
      'user_token_unknown_kid',
      `No signing key of this app has kid ${JSON.stringify(kid)}`,
    );
  }
  // Keys are checked when the app is saved; one stored under older rules may no longer pass.
  let parsed: ReturnType<typeof parseSigningKey>;
  try {
    parsed = parseSigningKey(registeredKey.key, registeredKey.alg);
  } catch {
    return refuse(
      'user_token_unknown_kid',
      `The app's key ${JSON.stringify(kid)} is not usable: register it again`,
    );
  }
  const { key, alg } = parsed;
  let bytes: Uint8Array;
  try {
    ({ payload: bytes } = await compactVerify(token, key, { algorithms: [alg] }));
  } catch (error) {
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return refuse('user_token_bad_signature', `The key ${kid} verifies ${alg} signatures only`);
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return refuse(
        'user_token_bad_signature',
        `The signature does not verify with the key ${kid}`,
      );
    }
    return refuse('user_token_malformed', 'The token is not a signed JWT (JWS compact form)');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    payload = undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return refuse('user_token_malformed', 'The token payload is not a JSON object');
  }
  const { sub, exp, iat, nbf, aud } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '' || sub.length > maxUserIdLength) {
    return refuse(
      'user_token_missing_sub',
      `The token needs sub: the site's user id, 1 to ${maxUserIdLength} characters`,
    );
  }
  const seconds = Math.floor(now() / 1000);
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    return refuse('user_token_iat_skew', 'The token needs iat (unix seconds)');
  }
  if (Math.abs(iat - seconds) > clockSkewSeconds) {
    return refuse(
      'user_token_iat_skew',
      `The token's iat is ${Math.round(iat - seconds)} s from the server's clock (at most ${clockSkewSeconds} s)`,
    );
  }
  if (nbf !== undefined) {
    if (typeof nbf !== 'number' || !Number.isFinite(nbf)) {
      return refuse('user_token_iat_skew', "The token's nbf, when given, must be unix seconds");
    }
    if (nbf > seconds + clockSkewSeconds) {
      return refuse('user_token_iat_skew', "The token's nbf is in the future");
    }
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    return refuse('user_token_too_long_lived', 'The token needs exp, at most 24 h ahead');
  }
  if (exp <= seconds) return refuse('user_token_expired', 'The token has expired');
  if (
    exp - iat > maxUserTokenLifetimeSeconds ||
    exp - seconds > maxUserTokenLifetimeSeconds + clockSkewSeconds
  ) {
    return refuse('user_token_too_long_lived', 'The token lives longer than 24 h (exp - iat)');
  }
  const audience = app.config.webClient.audience;
  if (
    audience !== undefined &&
    !(aud === audience || (Array.isArray(aud) && aud.includes(audience)))
  ) {
    return refuse(
      'user_token_bad_audience',
      `The token's aud does not name ${JSON.stringify(audience)}`,
    );
  }
  const claims = Object.fromEntries(
    Object.entries(payload).filter(([name]) => !registered.has(name)),
  );
  if (Buffer.byteLength(JSON.stringify(claims)) > maxClaimsBytes) {
    return refuse(
      'user_token_claims_too_large',
      `The token's other claims take more than ${maxClaimsBytes} bytes of JSON`,
    );
  }
  return { ok: true, userId: sub, sub: userSubOf(app.id, sub), claims, exp };
}
