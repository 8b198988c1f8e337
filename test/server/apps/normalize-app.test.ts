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
