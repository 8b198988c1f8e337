import type { ApiKeyInput } from '../storage/stores.ts';
import { allScopes, type Scope } from './api-key.ts';
import { createIpAllowlist, IpAllowlistError } from './ip-allowlist.ts';

/** Why a key definition was refused, naming the field. */
export class ApiKeyInputError extends Error {
  constructor(field: string, message: string) {
    super(`${field} ${message}`);
    this.name = 'ApiKeyInputError';
  }
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const namePattern = /^[A-Za-z0-9_-]{1,64}$/;

/** Seconds in a duration such as `30d`, `12h`, `15m` or `90s`; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,7})([smhd])$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return;
  const seconds = Number(match[1]) * (units[match[2]] ?? 0);
  return seconds > 0 ? seconds : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a key definition from the manage API or the CLI: `name`, `scopes`, and optional
 * `agentId`, `expiresAt` (ISO) or `expiresIn` (`30d`), `allowedIps`, `rateLimit`, `signed`.
 */
export function parseApiKeyInput(
  input: unknown,
  scope: { tenantId: string; projectId: string },
  now: number,
): ApiKeyInput {
  if (!isRecord(input)) throw new ApiKeyInputError('body', 'must be an object');
  const {
    name,
    scopes,
    agentId,
    expiresAt,
    expiresIn,
    allowedIps = [],
    rateLimit,
    signed = false,
  } = input;
  if (typeof name !== 'string' || !name.trim() || name.length > 100) {
    throw new ApiKeyInputError('name', 'must be a non-empty string of at most 100 characters');
  }
  if (
    !Array.isArray(scopes) ||
    scopes.length === 0 ||
    !scopes.every((item) => (allScopes as readonly unknown[]).includes(item))
  ) {
    throw new ApiKeyInputError('scopes', `must list some of ${allScopes.join(', ')}`);
  }
  if (
    agentId !== undefined &&
    agentId !== null &&
    (typeof agentId !== 'string' || !namePattern.test(agentId))
  ) {
    throw new ApiKeyInputError('agentId', 'must use only letters, digits, _ or -');
  }
  let expires: string | null = null;
  if (expiresIn !== undefined) {
    const seconds = typeof expiresIn === 'string' ? parseDuration(expiresIn) : undefined;
    if (!seconds) throw new ApiKeyInputError('expiresIn', 'must look like 30d, 12h, 15m or 90s');
    expires = new Date(now + seconds * 1000).toISOString();
  } else if (expiresAt !== undefined && expiresAt !== null) {
    const time = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
    if (!Number.isFinite(time) || time <= now) {
      throw new ApiKeyInputError('expiresAt', 'must be a date-time in the future');
    }
    expires = new Date(time).toISOString();
  }
  if (!Array.isArray(allowedIps) || !allowedIps.every((entry) => typeof entry === 'string')) {
    throw new ApiKeyInputError('allowedIps', 'must be an array of IPs or CIDR ranges');
  }
  try {
    createIpAllowlist(allowedIps as string[]);
  } catch (error) {
    if (error instanceof IpAllowlistError) throw new ApiKeyInputError('allowedIps', error.message);
    throw error;
  }
  if (
    rateLimit !== undefined &&
    rateLimit !== null &&
    (typeof rateLimit !== 'number' ||
      !Number.isInteger(rateLimit) ||
      rateLimit < 1 ||
      rateLimit > 1_000_000)
  ) {
    throw new ApiKeyInputError('rateLimit', 'must be an integer from 1 to 1000000');
  }
  if (typeof signed !== 'boolean') throw new ApiKeyInputError('signed', 'must be true or false');
  return {
    name: name.trim(),
    tenantId: scope.tenantId,
    projectId: scope.projectId,
    agentId: (agentId as string | undefined) ?? null,
    scopes: [...new Set(scopes as Scope[])],
    expiresAt: expires,
    allowedIps: (allowedIps as string[]).map((entry) => entry.trim()),
    rateLimit: (rateLimit as number | undefined) ?? null,
    signed,
  };
}
