import { describe, expect, it } from 'vitest';
import { rotationInput } from '../../src/manage/rotation-input.ts';
import { makeKey } from './fake-manage-client.ts';

describe('rotationInput', () => {
  it('copies the settings of a key that never expires', () => {
    expect(rotationInput(makeKey({ scopes: ['chat', 'read'] }))).toEqual({
      name: 'backend',
      scopes: ['chat', 'read'],
    });
  });

  it('keeps agent, IPs, limit, signing and lifetime', () => {
    const key = makeKey({
      agentId: 'agent_docs',
      allowedIps: ['10.0.0.0/8'],
      rateLimit: 50,
      signed: true,
      createdAt: '2026-11-01T00:00:00.000Z',
      expiresAt: '2026-12-01T00:00:00.000Z',
    });
    expect(rotationInput(key)).toEqual({
      name: 'backend',
      scopes: ['chat'],
      agentId: 'agent_docs',
      allowedIps: ['10.0.0.0/8'],
      rateLimit: 50,
      signed: true,
      expiresIn: '2592000s',
    });
  });

  it('writes long lifetimes in days', () => {
    const key = makeKey({
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2027-01-01T00:00:00.000Z',
    });
    expect(rotationInput(key).expiresIn).toBe('365d');
  });
});
