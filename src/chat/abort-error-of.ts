import { isAbortError } from '../errors.ts';

/** The `AbortError` to throw for an aborted signal (its own reason when that is one). */
export function abortErrorOf(signal: AbortSignal): unknown {
  return isAbortError(signal.reason)
    ? signal.reason
    : new DOMException('The operation was aborted.', 'AbortError');
}
