import { decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenService, keyIdOf, normalizeApp } from '../../../src/server/index.ts';
import { secret } from '../helpers.ts';

const app = normalizeApp({ id: 'app_demo', tenantId: 't1', projectId: 'p1' });

describe('createTokenService', () => {
  it('round-trips claims and keeps a given sub', async () => {
    const tokens = createTokenService({ secret, lifetimeSeconds: 60 });
    const { token, claims } = await tokens.issue(app);
    expect(await tokens.verify(token)).toEqual(claims);
    expect(claims).toMatchObject({ tid: 't1', pid: 'p1', app: 'app_demo' });
    const again = await tokens.issue(app, claims.sub);
    expect(again.claims.sub).toBe(claims.sub);
  });

  it('refuses a token once expired, by the injected clock', async () => {
    let now = Date.UTC(2026, 0, 1);
    const tokens = createTokenService({ secret, lifetimeSeconds: 60, now: () => now });
    const { token } = await tokens.issue(app);
    now += 59_000;
    expect(await tokens.verify(token)).toBeDefined();
    now += 2_000;
    expect(await tokens.verify(token)).toBeUndefined();
  });

  it('never throws on junk', async () => {
    const tokens = createTokenService({ secret, lifetimeSeconds: 60 });
    for (const junk of ['', 'a', 'a.b.c', '...', 'x'.repeat(5000), 'eyJhbGciOiJub25lIn0.e30.']) {
      expect(await tokens.verify(junk)).toBeUndefined();
    }
  });

  it("dates a token issued in the second of its app's revocation the next second", async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0, 400);
    const tokens = createTokenService({ secret, lifetimeSeconds: 60, now: () => now });
    const second = Math.floor(now / 1000);
    expect((await tokens.issue(app)).claims.iat).toBe(second);
    const revoked = { ...app, sessionsRevokedBefore: new Date(now - 100).toISOString() };
    const { token, claims } = await tokens.issue(revoked);
    expect(claims.iat).toBe(second + 1);
    expect(claims.exp).toBe(second + 61);
    expect(await tokens.verify(token)).toEqual(claims);
    // A revocation of an earlier second changes nothing.
    const earlier = { ...app, sessionsRevokedBefore: new Date(now - 5_000).toISOString() };
    expect((await tokens.issue(earlier)).claims.iat).toBe(second);
  });
});

describe('createTokenService with a rotating secret list', () => {
  const s1 = 'first-secret-first-secret-first-secret-01';
  const s2 = 'second-secret-second-secret-second-secret-02';
  const service = (secret: string | string[]) =>
    createTokenService({ secret, lifetimeSeconds: 60 });
  const headerOf = (token: string) => decodeProtectedHeader(token);
  /** A token as issued before key ids: the same claims, no `kid` in the header. */
  const withoutKid = async (secret: string, header: Record<string, unknown> = {}) => {
    const { claims } = await service(secret).issue(app);
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header })
      .sign(new TextEncoder().encode(secret));
  };

  it('names the signing secret by a key id derived from it, never the secret', async () => {
    const { token } = await service([s2, s1]).issue(app);
    const header = headerOf(token);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: keyIdOf(s2) });
    expect(header.kid).toMatch(/^[0-9a-f]{8}$/);
    expect(keyIdOf(s1)).not.toBe(keyIdOf(s2));
    expect(token).not.toContain(s2);
    // A single secret and a one-entry list are the same thing.
    expect(headerOf((await service(s1).issue(app)).token).kid).toBe(keyIdOf(s1));
    expect(headerOf((await service([s1]).issue(app)).token).kid).toBe(keyIdOf(s1));
  });

  it('verifies with every listed secret and refuses a removed one', async () => {
    const old = (await service([s1]).issue(app)).token;
    const fresh = (await service([s2, s1]).issue(app)).token;
    expect(await service([s1, s2]).verify(old)).toBeDefined();
    expect(await service([s2, s1]).verify(old)).toBeDefined();
    expect(await service([s2, s1]).verify(fresh)).toBeDefined();
    expect(await service([s1, s2]).verify(fresh)).toBeDefined();
    expect(await service([s2]).verify(fresh)).toBeDefined();
    expect(await service([s2]).verify(old)).toBeUndefined();
    expect(await service([s1]).verify(fresh)).toBeUndefined();
  });

  it('tries only the secret a kid names: an unknown kid, or a kid of another secret, is refused', async () => {
    const { claims } = await service(s2).issue(app);
    const signed = (kid: unknown, secret: string) =>
      new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid } as { alg: string; kid: string })
        .sign(new TextEncoder().encode(secret));
    const tokens = service([s2, s1]);
    expect(await tokens.verify(await signed(keyIdOf(s2), s2))).toEqual(claims);
    // Signed with a configured secret, but named as the other one.
    expect(await tokens.verify(await signed(keyIdOf(s1), s2))).toBeUndefined();
    expect(await tokens.verify(await signed('00000000', s2))).toBeUndefined();
    expect(await tokens.verify(await signed('', s2))).toBeUndefined();
    expect(await tokens.verify(await signed(7, s2))).toBeUndefined();
    // The secret itself as kid is just another unknown name.
    expect(await tokens.verify(await signed(s2, s2))).toBeUndefined();
  });

  it('verifies a token from before key ids with each listed secret, so nobody is logged out', async () => {
    const legacy = await withoutKid(s1);
    expect(await service(s1).verify(legacy)).toBeDefined();
    expect(await service([s2, s1]).verify(legacy)).toBeDefined();
    expect(await service([s1, s2]).verify(legacy)).toBeDefined();
    expect(await service([s2]).verify(legacy)).toBeUndefined();
  });

  it('accepts HS256 only, whatever the kid', async () => {
    const { claims } = await service(s1).issue(app);
    for (const alg of ['HS384', 'HS512']) {
      const token = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg, kid: keyIdOf(s1) })
        .sign(new TextEncoder().encode(s1));
      expect(await service([s2, s1]).verify(token), alg).toBeUndefined();
      expect(await service([s2, s1]).verify(await withoutKid(s1, { alg })), alg).toBeUndefined();
    }
    const none = `${btoa(JSON.stringify({ alg: 'none', kid: keyIdOf(s1) }))}.${btoa(JSON.stringify(claims))}.`;
    expect(await service([s2, s1]).verify(none)).toBeUndefined();
  });

  it('keeps revocation dating and rolling refresh across a rotation', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0, 400);
    const before = createTokenService({ secret: [s1], lifetimeSeconds: 60, now: () => now });
    const after = createTokenService({ secret: [s2, s1], lifetimeSeconds: 60, now: () => now });
    const old = await before.issue(app);
    const verified = await after.verify(old.token);
    expect(verified).toEqual(old.claims);
    const revoked = { ...app, sessionsRevokedBefore: new Date(now - 100).toISOString() };
    const renewed = await after.issue(revoked, verified?.sub);
    expect(renewed.claims.sub).toBe(old.claims.sub);
    expect(renewed.claims.iat).toBe(Math.floor(now / 1000) + 1);
    expect(headerOf(renewed.token).kid).toBe(keyIdOf(s2));
  });
});

describe('createTokenService: signed-in visitors', () => {
  const sub = `user_${'a'.repeat(32)}`;

  it('issues a user session ending with the site token, carrying the verified claims', async () => {
    const now = Date.UTC(2026, 0, 1);
    const seconds = now / 1000;
    const tokens = createTokenService({ secret, lifetimeSeconds: 3600, now: () => now });
    const { token, claims, expiresAt } = await tokens.issueUser(app, {
      sub,
      claims: { plan: 'pro' },
      exp: seconds + 600,
    });
    expect(claims).toMatchObject({ sub, type: 'user', exp: seconds + 600, usr: { plan: 'pro' } });
    expect(expiresAt).toBe(new Date((seconds + 600) * 1000).toISOString());
    expect(await tokens.verify(token)).toEqual(claims);
    // Never longer than an anonymous session; no `usr` when there are no claims.
    const long = await tokens.issueUser(app, { sub, claims: {}, exp: seconds + 86_400 });
    expect(long.claims.exp).toBe(seconds + 3600);
    expect('usr' in long.claims).toBe(false);
  });

  it('refuses a user token with an anonymous sub, an anonymous one with a user sub', async () => {
    const tokens = createTokenService({ secret, lifetimeSeconds: 60 });
    const key = new TextEncoder().encode(secret);
    const now = Math.floor(Date.now() / 1000);
    const forge = (claims: Record<string, unknown>) =>
      new SignJWT({
        iss: 'inkeep',
        iat: now,
        exp: now + 60,
        tid: 't1',
        pid: 'p1',
        app: 'app_demo',
        ...claims,
      })
        .setProtectedHeader({ alg: 'HS256', kid: keyIdOf(secret) })
        .sign(key);
    expect(await tokens.verify(await forge({ sub, type: 'user' }))).toBeDefined();
    expect(await tokens.verify(await forge({ sub, type: 'anonymous' }))).toBeUndefined();
    const anonymous = 'anon_0b8e6f2a-5c1d-4e3f-9a7b-1c2d3e4f5a6b';
    expect(await tokens.verify(await forge({ sub: anonymous, type: 'user' }))).toBeUndefined();
    expect(await tokens.verify(await forge({ sub, type: 'user', usr: 'admin' }))).toBeUndefined();
    expect(await tokens.verify(await forge({ sub, type: 'admin' }))).toBeUndefined();
  });
});
