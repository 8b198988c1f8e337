import type { ApiKeyInput, ApiKeyView } from '../contract/api-key.ts';

/**
 * The definition of a replacement for `key`: same name, scopes, agent, IPs, limit, signing, type
 * and alert threshold, and, when it expires, the same lifetime counted from now.
 */
export function rotationInput(key: ApiKeyView): ApiKeyInput {
  const input: ApiKeyInput = { name: key.name, scopes: [...key.scopes] };
  if (key.agentId) input.agentId = key.agentId;
  if (key.allowedIps.length) input.allowedIps = [...key.allowedIps];
  if (key.rateLimit) input.rateLimit = key.rateLimit;
  if (key.signed) input.signed = true;
  if (key.type !== 'service') input.type = key.type;
  if (key.alertThreshold) input.alertThreshold = key.alertThreshold;
  if (key.expiresAt) {
    const seconds = Math.max(
      1,
      Math.round((Date.parse(key.expiresAt) - Date.parse(key.createdAt)) / 1000),
    );
    // The server reads at most seven digits: longer lifetimes go in whole days.
    input.expiresIn = seconds < 10_000_000 ? `${seconds}s` : `${Math.ceil(seconds / 86_400)}d`;
  }
  return input;
}
