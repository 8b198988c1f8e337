import { useCallback, useState } from 'preact/hooks';

/** The state of one async action a control starts: pending, and its last error. */
export interface Action {
  pending: boolean;
  error: unknown;
  /** Runs `task`, keeping its error; resolves true when it succeeded. */
  run(task: () => Promise<unknown>): Promise<boolean>;
  /** Runs `task` as `run` does; resolves with what it threw, or undefined when it succeeded. */
  refusalOf(task: () => Promise<unknown>): Promise<unknown>;
  clear(): void;
}

/** Tracks one control's async action, so its error can be shown next to it. */
export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = useCallback(async (task: () => Promise<unknown>) => {
    setPending(true);
    setError(undefined);
    try {
      await task();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setPending(false);
    }
  }, []);
  const refusalOf = useCallback(
    async (task: () => Promise<unknown>) => {
      let thrown: unknown;
      await run(() =>
        task().catch((error: unknown) => {
          thrown = error;
          throw error;
        }),
      );
      return thrown;
    },
    [run],
  );
  const clear = useCallback(() => setError(undefined), []);
  return { pending, error, run, refusalOf, clear };
}
