import type { z } from 'zod';
import { apiKeyInputSchema } from '../../contract/api-key.ts';
import { explainIssue } from '../http/describe-issue.ts';
import { ProblemError } from '../http/problem-error.ts';
import type { ApiKeyInput } from '../storage/stores.ts';
import { type KeyType, temporaryKeyLifetimeMs } from './api-key.ts';
import { createIpAllowlist, IpAllowlistError } from './ip-allowlist.ts';

/** Why a key definition was refused, naming the field. */
export class ApiKeyInputError extends Error {
  constructor(field: string, message: string) {
    super(`${field} ${message}`);
    this.name = 'ApiKeyInputError';
  }
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds in a duration such as `30d`, `12h`, `15m` or `90s`; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,7})([smhd])$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return;
  const seconds = Number(match[1]) * (units[match[2]] ?? 0);
  return seconds > 0 ? seconds : undefined;
}

/**
 * Holds a `temporary` key to its rule: it ends within 24 h of its creation.
 * @throws ProblemError 400 `temporary_key_expiry` naming `field`.
 */
export function checkTemporaryExpiry(
  type: KeyType,
  createdAt: number,
  expiresAt: string | null,
  field = 'expiresAt',
): void {
  if (type !== 'temporary') return;
  const latest = createdAt + temporaryKeyLifetimeMs;
  if (expiresAt === null || Date.parse(expiresAt) > latest) {
    throw new ProblemError(
      400,
      'temporary_key_expiry',
      `${field} must be no later than ${new Date(latest).toISOString()}: a temporary key expires within 24 h of its creation`,
    );
  }
}

/** Parses an expiry: `expiresIn` (`30d`, from `now`) wins over `expiresAt` (ISO, in the future). */
export function resolveExpiry(
  {
    expiresAt,
    expiresIn,
  }: { expiresAt?: string | null | undefined; expiresIn?: string | undefined },
  now: number,
): string | null | undefined {
  if (expiresIn !== undefined) {
    const seconds = parseDuration(expiresIn);
    if (!seconds) throw new ApiKeyInputError('expiresIn', 'must look like 30d, 12h, 15m or 90s');
    return new Date(now + seconds * 1000).toISOString();
  }
  if (expiresAt === undefined || expiresAt === null) return expiresAt;
  const time = Date.parse(expiresAt);
  if (!Number.isFinite(time) || time <= now) {
    throw new ApiKeyInputError('expiresAt', 'must be a date-time in the future');
  }
  return new Date(time).toISOString();
}

/** Checks that every IP entry parses. Throws {@link ApiKeyInputError} naming `field`. */
export function checkIpEntries(entries: string[], field = 'allowedIps'): void {
  try {
    createIpAllowlist(entries);
  } catch (error) {
    if (error instanceof IpAllowlistError) throw new ApiKeyInputError(field, error.message);
    throw error;
  }
}

/** A key definition as the contract's schema hands it over. */
export type ApiKeyDefinition = z.infer<typeof apiKeyInputSchema>;

/**
 * Applies what a schema cannot hold to a schema-checked key definition: the expiry is in the
 * future (`expiresIn` counts from `now`), every IP entry parses, a temporary key expires within
 * 24 h (24 h when no expiry is given). Throws {@link ApiKeyInputError}, or ProblemError 400
 * `temporary_key_expiry`.
 */
export function resolveApiKeyInput(
  input: ApiKeyDefinition,
  scope: { tenantId: string; projectId: string },
  now: number,
): ApiKeyInput {
  const { name, scopes, agentId, expiresIn, allowedIps, rateLimit, signed } = input;
  const type = input.type ?? 'service';
  let expires = resolveExpiry(input, now) ?? null;
  if (type === 'temporary' && expires === null) {
    expires = new Date(now + temporaryKeyLifetimeMs).toISOString();
  }
  checkTemporaryExpiry(type, now, expires, expiresIn !== undefined ? 'expiresIn' : 'expiresAt');
  checkIpEntries(allowedIps);
  return {
    name: name.trim(),
    tenantId: scope.tenantId,
    projectId: scope.projectId,
    agentId: agentId ?? null,
    scopes: [...new Set(scopes)],
    expiresAt: expires,
    allowedIps: allowedIps.map((entry) => entry.trim()),
    rateLimit: rateLimit ?? null,
    signed,
    type,
    alertThreshold: input.alertThreshold ?? null,
  };
}

/**
 * Validates a key definition from the CLI (or any untyped source): `name`, `scopes`, and
 * optional `agentId`, `expiresAt` (ISO) or `expiresIn` (`30d`), `allowedIps`, `rateLimit`,
 * `signed`. The manage API validates the same schema as its route's body.
 */
export function parseApiKeyInput(
  input: unknown,
  scope: { tenantId: string; projectId: string },
  now: number,
): ApiKeyInput {
  const parsed = apiKeyInputSchema.safeParse(input);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    // Named by its top-level field (`scopes`, not `scopes[0]`): the CLI maps those to its flags.
    const field = issue?.path[0];
    if (!issue || field === undefined) throw new ApiKeyInputError('body', 'must be an object');
    throw new ApiKeyInputError(String(field), explainIssue(issue).message);
  }
  return resolveApiKeyInput(parsed.data, scope, now);
}
