import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerSettings } from '../config/read-settings.ts';
import { allScopes, type Scope } from './api-key.ts';

/** Whether two secrets are equal, in time independent of where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so timingSafeEqual never leaks the expected length.
  const left = createHash('sha256').update(given).digest();
  const right = createHash('sha256').update(expected).digest();
  return timingSafeEqual(left, right);
}

/**
 * The scopes and identity of a key from the environment: `ADMIN_API_KEY` (every scope), then
 * `VALID_API_KEYS` (`chat` and `read`), then `INKEEP_ADMIN_API_KEY` (`manage`).
 */
export function matchEnvironmentKey(
  credential: string,
  settings: Pick<ServerSettings, 'envAdminKey' | 'validApiKeys' | 'adminApiKey'>,
): { scopes: Scope[]; sub: string } | undefined {
  if (settings.envAdminKey && sameSecret(credential, settings.envAdminKey)) {
    return { scopes: [...allScopes], sub: 'env:admin' };
  }
  if (settings.validApiKeys.some((key) => sameSecret(credential, key))) {
    return {
      scopes: ['chat', 'read'],
      sub: `env:${createHash('sha256').update(credential).digest('hex').slice(0, 12)}`,
    };
  }
  if (settings.adminApiKey && sameSecret(credential, settings.adminApiKey)) {
    return { scopes: ['manage'], sub: 'env:manage' };
  }
  return undefined;
}
