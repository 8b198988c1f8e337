import type { z } from 'zod';
import { apiKeyInputSchema } from '../../contract/api-key.ts';
import { explainIssue } from '../http/describe-issue.ts';
import type { ApiKeyInput } from '../storage/stores.ts';
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

/** A key definition as the contract's schema hands it over. */
export type ApiKeyDefinition = z.infer<typeof apiKeyInputSchema>;

/**
 * Applies what a schema cannot hold to a schema-checked key definition: the expiry is in the
 * future (`expiresIn` counts from `now`), every IP entry parses. Throws {@link ApiKeyInputError}.
 */
export function resolveApiKeyInput(
  input: ApiKeyDefinition,
  scope: { tenantId: string; projectId: string },
  now: number,
): ApiKeyInput {
  const { name, scopes, agentId, expiresAt, expiresIn, allowedIps, rateLimit, signed } = input;
  let expires: string | null = null;
  if (expiresIn !== undefined) {
    const seconds = parseDuration(expiresIn);
    if (!seconds) throw new ApiKeyInputError('expiresIn', 'must look like 30d, 12h, 15m or 90s');
    expires = new Date(now + seconds * 1000).toISOString();
  } else if (expiresAt !== undefined && expiresAt !== null) {
    const time = Date.parse(expiresAt);
    if (!Number.isFinite(time) || time <= now) {
      throw new ApiKeyInputError('expiresAt', 'must be a date-time in the future');
    }
    expires = new Date(time).toISOString();
  }
  try {
    createIpAllowlist(allowedIps);
  } catch (error) {
    if (error instanceof IpAllowlistError) throw new ApiKeyInputError('allowedIps', error.message);
    throw error;
  }
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
