/** An answer being streamed, as the drain sees it. */
export interface TrackedStream {
  /** Ends the stream now with the protocol's interrupted marker; resolves once what was said is stored. */
  interrupt(): Promise<void>;
}

/** What {@link Drain.settle} did. */
export interface SettleResult {
  /** Streams that finished on their own within the grace period. */
  finished: number;
  /** Streams cut short with the interrupted marker when the grace period ran out. */
  interrupted: number;
}

/**
 * A server's shutdown state: requests and streams in flight, and whether it is draining (then
 * `/readyz` answers 503 and new requests `shutting_down`).
 */
export interface Drain {
  /** Whether {@link Drain.start} was called. */
  readonly draining: boolean;
  /** Answers being streamed now. */
  readonly activeStreams: number;
  /** Requests whose response has not been handed to the client yet. */
  readonly activeRequests: number;
  /** Marks the server as draining (once; later calls do nothing). */
  start(): void;
  /** Counts a request until the returned function is called. */
  enter(): () => void;
  /**
   * Counts a stream until the returned function is called (when it ends, however it ends). After
   * the grace period of {@link Drain.settle}, a new stream is interrupted at once.
   */
  track(stream: TrackedStream): () => void;
  /**
   * Waits up to `graceMs` for requests and streams in flight, then interrupts the streams left
   * and waits up to `closeMs` more for them to end. Starts draining if it has not started.
   */
  settle(options: { graceMs: number; closeMs?: number }): Promise<SettleResult>;
}

/** Options of {@link createDrain}. */
export interface DrainOptions {
  /** Timers, injectable for tests. */
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

/**
 * Builds a server's {@link Drain}.
 * @example
 * const drain = createDrain();
 * const untrack = drain.track({ interrupt: () => controller.close() });
 * // … on SIGTERM:
 * const { interrupted } = await drain.settle({ graceMs: 30_000 });
 */
export function createDrain({
  setTimeout: schedule = (callback, ms) => setTimeout(callback, ms),
  clearTimeout: cancel = (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}: DrainOptions = {}): Drain {
  let draining = false;
  let requests = 0;
  const streams = new Set<TrackedStream>();
  let finished = 0;
  // Called whenever something in flight ends, so settle() wakes without polling.
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const idle = () => requests === 0 && streams.size === 0;
  // Once the grace period is over, every stream is interrupted, even one that starts later.
  let pastDeadline = false;
  let interrupted = 0;
  // Interrupted streams that have not ended yet.
  let ending = 0;
  const cut = (stream: TrackedStream, later: boolean) => {
    interrupted += 1;
    ending += 1;
    (later ? Promise.resolve().then(() => stream.interrupt()) : stream.interrupt())
      .catch(() => {})
      .finally(() => {
        ending -= 1;
        changed();
      });
  };
  const until = (done: () => boolean, ms: number) =>
    new Promise<void>((resolve) => {
      if (done()) return resolve();
      const check = () => {
        if (!done()) return;
        stop();
      };
      const stop = () => {
        waiters.delete(check);
        cancel(timer);
        resolve();
      };
      waiters.add(check);
      const timer = schedule(stop, ms);
    });

  return {
    get draining() {
      return draining;
    },
    get activeStreams() {
      return streams.size;
    },
    get activeRequests() {
      return requests;
    },
    start() {
      draining = true;
    },
    enter() {
      requests += 1;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        requests -= 1;
        changed();
      };
    },
    track(stream) {
      if (pastDeadline) {
        // Registered after the grace period (its request was still queued): cut at once, after
        // the caller has finished setting the stream up, and counted by the final wait.
        cut(stream, true);
        return () => {};
      }
      streams.add(stream);
      return () => {
        if (!streams.delete(stream)) return;
        if (draining) finished += 1;
        changed();
      };
    },
    async settle({ graceMs, closeMs = 5000 }) {
      draining = true;
      await until(idle, graceMs);
      pastDeadline = true;
      const left = [...streams];
      const finishedInGrace = finished;
      // Interrupted streams are not "finished on their own".
      streams.clear();
      for (const stream of left) cut(stream, false);
      await until(() => requests === 0 && ending === 0, closeMs);
      return { finished: finishedInGrace, interrupted };
    },
  };
}
