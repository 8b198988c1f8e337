import { describe, expect, it } from 'vitest';
import { AppValidationError, normalizeApp } from '../../../src/server/apps/normalize-app.ts';

const base = { id: 'app_docs', config: { webClient: { allowedDomains: ['docs.test'] } } };

function refusal(input: unknown): AppValidationError {
  try {
    normalizeApp(input);
  } catch (error) {
    if (error instanceof AppValidationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('normalizeApp', () => {
  it('fills the contract defaults and has no system prompt unless given', () => {
    expect(normalizeApp({ id: 'app_docs' })).toEqual({
      id: 'app_docs',
      tenantId: 'default',
      projectId: 'default',
      name: 'app_docs',
      type: 'web_client',
      enabled: true,
      defaultAgentId: 'default',
      config: { webClient: { allowedDomains: [], allowAnonymous: true } },
    });
    expect('systemPrompt' in normalizeApp(base).config).toBe(false);
  });

  it('keeps a system prompt as written, up to 8000 characters', () => {
    const prompt = '  You answer questions about the docs.\nBe brief.  ';
    const app = normalizeApp({ ...base, config: { ...base.config, systemPrompt: prompt } });
    expect(app.config.systemPrompt).toBe(prompt);
    const longest = 'x'.repeat(8000);
    expect(
      normalizeApp({ ...base, config: { ...base.config, systemPrompt: longest } }).config
        .systemPrompt,
    ).toBe(longest);
  });

  it.each([[''], ['   \n'], [null]])('treats a system prompt of %j as none', (systemPrompt) => {
    const app = normalizeApp({ ...base, config: { ...base.config, systemPrompt } });
    expect('systemPrompt' in app.config).toBe(false);
  });

  it.each([['x'.repeat(8001)], [42], [['a']], [{ text: 'a' }]])(
    'refuses a system prompt of %j naming the field',
    (systemPrompt) => {
      const error = refusal({ ...base, config: { ...base.config, systemPrompt } });
      expect(error.field).toBe('config.systemPrompt');
      expect(error.message).toBe('config.systemPrompt must be a string of at most 8000 characters');
    },
  );

  it('drops the revocation time, which no definition sets', () => {
    const app = normalizeApp({ ...base, sessionsRevokedBefore: '2026-01-01T00:00:00.000Z' });
    expect('sessionsRevokedBefore' in app).toBe(false);
  });
});

describe('normalizeApp: signing keys of signed-in visitors', () => {
  it('keeps PEM and JWK public keys with their algorithm, and the audience', async () => {
    const { exportJWK, exportSPKI, generateKeyPair } = await import('jose');
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const ec = await generateKeyPair('ES256', { extractable: true });
    const app = normalizeApp({
      ...base,
      config: {
        webClient: {
          allowedDomains: ['docs.test'],
          signingKeys: [
            { kid: 'rsa', key: await exportSPKI(rsa.publicKey) },
            { kid: 'ec', key: await exportJWK(ec.publicKey) },
          ],
          audience: 'docs',
        },
      },
    });
    expect(app.config.webClient.signingKeys?.map(({ kid, alg }) => [kid, alg])).toEqual([
      ['rsa', 'RS256'],
      ['ec', 'ES256'],
    ]);
    expect(app.config.webClient.audience).toBe('docs');
    // None, or an empty list, is no keys at all.
    expect('signingKeys' in normalizeApp(base).config.webClient).toBe(false);
  });

  it('refuses a short RSA key, another curve, and a bad kid, naming the field', async () => {
    const { exportJWK, generateKeyPair } = await import('jose');
    const { generateKeyPairSync } = await import('node:crypto');
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const p384 = await generateKeyPair('ES384', { extractable: true });
    const withKey = (key: unknown, kid = 'k') => ({
      ...base,
      config: { webClient: { signingKeys: [{ kid, key }] } },
    });
    expect(refusal(withKey(short.publicKey.export({ format: 'jwk' }))).message).toBe(
      'config.webClient.signingKeys[0].key is an RSA key shorter than 2048 bits',
    );
    expect(refusal(withKey(await exportJWK(p384.publicKey))).message).toMatch(
      /^config\.webClient\.signingKeys\[0\]\.key is an EC key on a curve other than P-256/,
    );
    expect(refusal(withKey(await exportJWK(p384.publicKey), 'with space')).message).toBe(
      'config.webClient.signingKeys[0].kid must be 1 to 128 visible ASCII characters',
    );
  });

  it('stops a config file naming the app and the key', async () => {
    const { normalizeApps } = await import('../../../src/server/config/load-apps.ts');
    expect(() =>
      normalizeApps([
        { ...base, config: { webClient: { signingKeys: [{ kid: 'k', key: 'not a key' }] } } },
      ]),
    ).toThrow(
      'config: apps[0] (app_docs): config.webClient.signingKeys[0].key is not a PEM public key (-----BEGIN PUBLIC KEY-----)',
    );
  });
});
