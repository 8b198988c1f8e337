import { isAbortError } from '../errors.ts';

/**
 * Runs `task` while holding the Web Lock `name`, so one tab at a time does it; without Web Locks,
 * or when the browser refuses them (an opaque-origin frame), runs it directly.
 */
export async function runExclusive<T>(
  locks: LockManager | undefined,
  name: string,
  signal: AbortSignal,
  task: () => Promise<T>,
): Promise<T> {
  if (!locks) return task();
  let started = false;
  try {
    return (await locks.request(name, { signal }, () => {
      started = true;
      return task();
    })) as T;
  } catch (error) {
    if (started || isAbortError(error)) throw error;
    return task();
  }
}
