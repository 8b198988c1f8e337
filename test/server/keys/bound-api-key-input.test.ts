import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../../../src/server/keys/api-key.ts';
import { boundApiKeyInput } from '../../../src/server/keys/bound-api-key-input.ts';
import type { ApiKeyInput } from '../../../src/server/storage/stores.ts';

function creator(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: 'pub',
    name: 'ops',
    tenantId: 'default',
    projectId: 'default',
    agentId: null,
    scopes: ['manage', 'chat', 'read'],
    hash: 'scrypt$00$00',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    revokedAt: null,
    allowedIps: [],
    rateLimit: null,
    signingSecret: null,
    usage: { total: 0, byStatus: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, lastUsedAt: null },
    type: 'service',
    createdBy: null,
    alertThreshold: null,
    alertedAt: null,
    ...overrides,
  };
}

function input(overrides: Partial<ApiKeyInput> = {}): ApiKeyInput {
  return {
    name: 'child',
    tenantId: 'default',
    projectId: 'default',
    agentId: null,
    scopes: ['chat'],
    expiresAt: null,
    allowedIps: [],
    rateLimit: null,
    signed: false,
    ...overrides,
  };
}

function refusal(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return error as { status: number; code: string; detail: string };
  }
  throw new Error('not refused');
}

// The server default (`API_RATE_LIMIT`) a creator without a rate limit of its own runs under.
const bounds = { defaultRateLimit: 600 };

describe('boundApiKeyInput', () => {
  it('leaves a key of an unbounded creator as asked', () => {
    const asked = input({ scopes: ['read', 'manage'], allowedIps: ['*'], rateLimit: 600 });
    expect(boundApiKeyInput(asked, creator(), bounds)).toEqual(asked);
  });

  it('treats a creator whose IP list allows any address as unbounded in IPs', () => {
    expect(boundApiKeyInput(input(), creator({ allowedIps: ['*'] }), bounds).allowedIps).toEqual(
      [],
    );
  });

  it('takes the expiry, rate limit and agent of the creator when they are left out', () => {
    const bounded = boundApiKeyInput(
      input(),
      creator({ expiresAt: '2026-02-01T00:00:00.000Z', rateLimit: 10, agentId: 'agent_a' }),
      bounds,
    );
    expect(bounded).toMatchObject({
      expiresAt: '2026-02-01T00:00:00.000Z',
      rateLimit: 10,
      agentId: 'agent_a',
    });
  });

  it('accepts bounds equal to or inside the creator’s', () => {
    const bounded = boundApiKeyInput(
      input({
        expiresAt: '2026-01-15T00:00:00.000Z',
        rateLimit: 10,
        agentId: 'agent_a',
        allowedIps: ['2001:db8:1::/48', '10.0.0.7'],
      }),
      creator({
        expiresAt: '2026-02-01T00:00:00.000Z',
        rateLimit: 10,
        agentId: 'agent_a',
        allowedIps: ['10.0.0.0/24', '2001:db8::/32'],
      }),
      bounds,
    );
    expect(bounded.expiresAt).toBe('2026-01-15T00:00:00.000Z');
  });

  it.each([
    [
      input({ scopes: ['read'] }),
      creator({ scopes: ['manage', 'chat'] }),
      'scopes may not include read: this key does not have it',
    ],
    [
      input({ allowedIps: ['10.0.1.0/24'] }),
      creator({ allowedIps: ['10.0.0.0/24'] }),
      'allowedIps entry "10.0.1.0/24" is outside this key\'s own (10.0.0.0/24)',
    ],
    [
      input(),
      creator({ allowedIps: ['10.0.0.0/24'] }),
      "allowedIps must list IPs within this key's own (10.0.0.0/24)",
    ],
    [
      input({ expiresAt: '2026-03-01T00:00:00.000Z' }),
      creator({ expiresAt: '2026-02-01T00:00:00.000Z' }),
      'expiresAt must end no later than this key does (2026-02-01T00:00:00.000Z)',
    ],
    [
      input({ rateLimit: 11 }),
      creator({ rateLimit: 10 }),
      "rateLimit must be at most this key's own (10)",
    ],
    [
      input({ agentId: 'agent_b' }),
      creator({ agentId: 'agent_a' }),
      "agentId must be this key's own agent (agent_a)",
    ],
    [
      input({ rateLimit: 601 }),
      creator(),
      "rateLimit must be at most this key's own (the server default, 600)",
    ],
  ])('refuses %#: 403 forbidden naming the field', (asked, by, detail) => {
    expect(refusal(() => boundApiKeyInput(asked, by, bounds))).toMatchObject({
      status: 403,
      code: 'forbidden',
      detail,
    });
  });

  it('names expiresIn when the lifetime was asked that way', () => {
    const error = refusal(() =>
      boundApiKeyInput(
        input({ expiresAt: '2026-03-01T00:00:00.000Z' }),
        creator({ expiresAt: '2026-02-01T00:00:00.000Z' }),
        { expiryField: 'expiresIn', ...bounds },
      ),
    );
    expect(error.detail).toMatch(/^expiresIn /);
  });
});
