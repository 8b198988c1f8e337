import type { PowChallenge } from './challenge.ts';

/**
 * Fetches a challenge from `GET /run/auth/pow/challenge`. Resolves `null` when the server
 * answers 404 (proof of work is not enabled); returns any other non-OK response to the caller.
 */
export async function fetchChallenge(
  url: string,
  fetch: typeof globalThis.fetch,
  signal?: AbortSignal,
): Promise<PowChallenge | Response | null> {
  const response = await fetch(url, { cache: 'no-store', signal: signal ?? null });
  if (response.status === 404) {
    await response.body?.cancel().catch(() => {});
    return null;
  }
  if (!response.ok) return response;
  return (await response.json()) as PowChallenge;
}
