import { describe, expect, it } from 'vitest';
import { createTokenService, normalizeApp } from '../../../src/server/index.ts';
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
