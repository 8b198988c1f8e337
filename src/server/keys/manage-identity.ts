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

/** Whether `identity` may see a key: every key but another identity's personal ones. */
export function isKeyVisibleTo(record: ApiKeyRecord, identity: string): boolean {
  return record.type !== 'personal' || record.createdBy === identity;
}
