import { ProblemError } from '../http/problem-error.ts';
import type { ApiKeyInput } from '../storage/stores.ts';
import type { ApiKeyRecord } from './api-key.ts';
import { isWithinAllowlist } from './ip-allowlist.ts';

/** The refusal of a key wider than the `manage` key making it: 403 `forbidden` naming `field`. */
export const wider = (field: string, message: string) =>
  new ProblemError(403, 'forbidden', `${field} ${message}`);

/**
 * Refuses an IP list that is not within `owner`'s IP ranges (when it is limited to some): an
 * empty list or `*` would allow every IP.
 * @throws ProblemError 403 `forbidden` naming `allowedIps`.
 */
export function boundAllowedIps(allowedIps: string[], owner: ApiKeyRecord): void {
  const ownerIps = owner.allowedIps.filter((entry) => entry.trim());
  if (ownerIps.length === 0 || ownerIps.includes('*')) return;
  if (allowedIps.length === 0 || allowedIps.includes('*')) {
    throw wider('allowedIps', `must list IPs within this key's own (${ownerIps.join(', ')})`);
  }
  const outside = allowedIps.find((entry) => !isWithinAllowlist(entry, ownerIps));
  if (outside !== undefined) {
    throw wider(
      'allowedIps',
      `entry "${outside}" is outside this key's own (${ownerIps.join(', ')})`,
    );
  }
}

/** The refusal of a rate limit above the server default a key without its own runs under. */
export const defaultLimitMessage = (limit: number) =>
  `must be at most this key's own (the server default, ${limit})`;

/**
 * Holds a key that a stored `manage` key creates to no more than that key may do itself: its
 * scopes, its IP ranges, its expiry, its rate limit and its agent. Bounds left out are taken
 * from the creating key (expiry, rate limit, agent); an IP list must be given and fit inside.
 * A creator without a rate limit of its own runs under `defaultRateLimit` (`API_RATE_LIMIT`),
 * so a key it creates may set none higher.
 * @throws ProblemError 403 `forbidden` naming the field that would be wider.
 */
export function boundApiKeyInput(
  input: ApiKeyInput,
  creator: ApiKeyRecord,
  {
    expiryField = 'expiresAt',
    defaultRateLimit,
  }: { expiryField?: 'expiresAt' | 'expiresIn'; defaultRateLimit: number },
): ApiKeyInput {
  const extra = input.scopes.filter((scope) => !creator.scopes.includes(scope));
  if (extra.length > 0) {
    throw wider('scopes', `may not include ${extra.join(', ')}: this key does not have it`);
  }
  let { allowedIps, expiresAt, rateLimit, agentId } = input;
  boundAllowedIps(allowedIps, creator);
  if (creator.expiresAt !== null) {
    if (expiresAt === null) expiresAt = creator.expiresAt;
    else if (Date.parse(expiresAt) > Date.parse(creator.expiresAt)) {
      throw wider(expiryField, `must end no later than this key does (${creator.expiresAt})`);
    }
  }
  if (creator.rateLimit !== null) {
    if (rateLimit === null) rateLimit = creator.rateLimit;
    else if (rateLimit > creator.rateLimit) {
      throw wider('rateLimit', `must be at most this key's own (${creator.rateLimit})`);
    }
  } else if (rateLimit !== null && rateLimit > defaultRateLimit) {
    throw wider('rateLimit', defaultLimitMessage(defaultRateLimit));
  }
  if (creator.agentId !== null) {
    if (agentId === null) agentId = creator.agentId;
    else if (agentId !== creator.agentId) {
      throw wider('agentId', `must be this key's own agent (${creator.agentId})`);
    }
  }
  return { ...input, allowedIps, expiresAt, rateLimit, agentId };
}
