import type { Principal } from '../http/authenticate.ts';
import type { ApiKeyRecord } from './api-key.ts';

/**
 * Who a manage-API caller is, as a key's `createdBy` records it: `key:<publicId>` for a stored
 * key, `env:admin` or `env:manage` for the environment's keys, `bypass` for the bypass secret.
 */
export function manageIdentityOf(principal: Principal): string {
  if (principal.kind === 'api_key' && principal.keyId) return `key:${principal.keyId}`;
  if (principal.kind === 'anonymous') return `visitor:${principal.claims.sub}`;
  return principal.sub;
}

/**
 * Whether `principal` may see (list, read, change, revoke) a key: every key but another
 * identity's personal ones. The environment's admin key (`env:admin`) and the bypass secret see
 * every key, so that a leaked personal key can be revoked without the CLI.
 */
export function isKeyVisibleTo(record: ApiKeyRecord, principal: Principal): boolean {
  if (principal.kind === 'bypass') return true;
  if (principal.kind === 'env_key' && principal.sub === 'env:admin') return true;
  return record.type !== 'personal' || record.createdBy === manageIdentityOf(principal);
}
