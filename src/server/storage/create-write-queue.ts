/** Serializes writes of one file and merges those that pile up while a write is running. */
export interface WriteQueue {
  /** Resolves once a write that started after this call has finished. */
  save(): Promise<void>;
}

/** Creates a {@link WriteQueue} around `write`, which persists the current state. */
export function createWriteQueue(write: () => Promise<void>): WriteQueue {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const current = write().finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };
  return {
    save() {
      if (!running) return start();
      // A write is running with older state: every caller arriving now shares one more write.
      next ??= running
        .catch(() => {})
        .then(() => {
          next = undefined;
          return start();
        });
      return next;
    },
  };
}
