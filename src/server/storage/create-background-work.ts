/** Work a store starts without awaiting it (cache reloads on change notices). */
export interface BackgroundWork {
  /** Runs `work` in the background; its failure is dropped (the next reload repairs the cache). */
  run(work: Promise<unknown>): void;
  /** Resolves when everything started so far has finished, so a database can close idle. */
  settled(): Promise<void>;
}

/** Creates a {@link BackgroundWork} set. */
export function createBackgroundWork(): BackgroundWork {
  const running = new Set<Promise<void>>();
  return {
    run(work) {
      const settled: Promise<void> = work
        .then(() => {})
        .catch(() => {})
        .finally(() => running.delete(settled));
      running.add(settled);
    },
    async settled() {
      await Promise.all(running);
    },
  };
}
