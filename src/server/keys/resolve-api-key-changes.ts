import type { z } from 'zod';
import type { apiKeyUpdateSchema } from '../../contract/api-key.ts';
import { ProblemError } from '../http/problem-error.ts';
import type { ApiKeyChanges } from '../storage/stores.ts';
import type { ApiKeyRecord } from './api-key.ts';
import { boundAllowedIps, defaultLimitMessage, wider } from './bound-api-key-input.ts';
import {
  ApiKeyInputError,
  checkIpEntries,
  checkTemporaryExpiry,
  resolveExpiry,
} from './parse-api-key-input.ts';

/** 409 `key_revoked`: a change to a revoked key (checked here, and again by the store's update). */
export function revokedKeyProblem(): ProblemError {
  return new ProblemError(409, 'key_revoked', 'API key is revoked: it can no longer be changed');
}

/** Changes to a key as the contract's schema hands them over. */
export type ApiKeyUpdateDefinition = z.infer<typeof apiKeyUpdateSchema>;

const changeable =
  'name, allowedIps, addIps, removeIps, rateLimit, expiresAt, expiresIn, alertThreshold';

/** The IP list after `addIps` and `removeIps` (or the whole `allowedIps`), checked. */
function resolveIps(update: ApiKeyUpdateDefinition, record: ApiKeyRecord): string[] | undefined {
  const { allowedIps, addIps, removeIps } = update;
  if (allowedIps !== undefined) {
    if (addIps !== undefined || removeIps !== undefined) {
      throw new ApiKeyInputError(
        'allowedIps',
        'replaces the list: send it without addIps or removeIps',
      );
    }
    const list = allowedIps.map((entry) => entry.trim());
    checkIpEntries(list);
    return list;
  }
  if (addIps === undefined && removeIps === undefined) return undefined;
  const added = (addIps ?? []).map((entry) => entry.trim());
  checkIpEntries(added, 'addIps');
  let list = [...record.allowedIps];
  for (const entry of (removeIps ?? []).map((item) => item.trim())) {
    if (!list.includes(entry)) {
      throw new ApiKeyInputError('removeIps', `entry "${entry}" is not on the key's list`);
    }
    list = list.filter((item) => item !== entry);
  }
  for (const entry of added) if (!list.includes(entry)) list.push(entry);
  // An empty list means "every IP": taking the last entry off must not open the key silently.
  if (list.length === 0 && record.allowedIps.length > 0) {
    throw new ApiKeyInputError(
      'removeIps',
      'would leave no entry, which allows every IP: send allowedIps: [] to allow every IP',
    );
  }
  return list;
}

/**
 * Turns a schema-checked update into the changes to store: names trimmed, IP edits applied to
 * the key's list (`addIps`/`removeIps`) and checked, the expiry in the future (`expiresIn` from
 * `now`, null = never), a temporary key still ending within 24 h of its creation.
 * @throws ApiKeyInputError naming the field; ProblemError 400 `temporary_key_expiry`.
 */
export function resolveApiKeyChanges(
  update: ApiKeyUpdateDefinition,
  record: ApiKeyRecord,
  now: number,
): ApiKeyChanges {
  // A revoked key stays as it was when revoked (its record is the audit trail).
  if (record.revokedAt) throw revokedKeyProblem();
  const changes: ApiKeyChanges = {};
  if (update.name !== undefined) changes.name = update.name.trim();
  const ips = resolveIps(update, record);
  if (ips !== undefined) changes.allowedIps = ips;
  if (update.rateLimit !== undefined) changes.rateLimit = update.rateLimit;
  const expiresAt = resolveExpiry(update, now);
  if (expiresAt !== undefined) {
    checkTemporaryExpiry(
      record.type,
      Date.parse(record.createdAt),
      expiresAt,
      update.expiresIn !== undefined ? 'expiresIn' : 'expiresAt',
    );
    changes.expiresAt = expiresAt;
  }
  if (update.alertThreshold !== undefined) changes.alertThreshold = update.alertThreshold;
  if (Object.keys(changes).length === 0) {
    throw new ApiKeyInputError('body', `must change at least one of ${changeable}`);
  }
  return changes;
}

/**
 * Holds the changes a stored `manage` key makes to no wider than that key itself, as when it
 * creates one. It changes only a key within its reach: scopes among its own and, if it is bound
 * to an agent, that agent. The changes stay inside its bounds: IPs within its ranges, no later
 * (or no) expiry, no higher rate limit (without one of its own, no higher than the server
 * default `defaultRateLimit` it runs under). Fields left unchanged are not judged.
 * @throws ProblemError 403 `forbidden` naming the field.
 */
export function boundApiKeyChanges(
  changes: ApiKeyChanges,
  editor: ApiKeyRecord,
  target: ApiKeyRecord,
  { defaultRateLimit }: { defaultRateLimit: number },
): ApiKeyChanges {
  const extra = target.scopes.filter((scope) => !editor.scopes.includes(scope));
  if (extra.length > 0) {
    throw wider(
      'scopes',
      `of the key include ${extra.join(', ')}, which this key does not have: it may not change the key`,
    );
  }
  if (editor.agentId !== null && target.agentId !== editor.agentId) {
    throw wider(
      'agentId',
      `of the key must be this key's own agent (${editor.agentId}) for this key to change it`,
    );
  }
  if (changes.allowedIps !== undefined) boundAllowedIps(changes.allowedIps, editor);
  if (changes.expiresAt !== undefined && editor.expiresAt !== null) {
    if (
      changes.expiresAt === null ||
      Date.parse(changes.expiresAt) > Date.parse(editor.expiresAt)
    ) {
      throw wider('expiresAt', `must end no later than this key does (${editor.expiresAt})`);
    }
  }
  const { rateLimit } = changes;
  if (rateLimit !== undefined && editor.rateLimit !== null) {
    if (rateLimit === null || rateLimit > editor.rateLimit) {
      throw wider('rateLimit', `must be at most this key's own (${editor.rateLimit})`);
    }
  } else if (typeof rateLimit === 'number' && rateLimit > defaultRateLimit) {
    throw wider('rateLimit', defaultLimitMessage(defaultRateLimit));
  }
  return changes;
}
