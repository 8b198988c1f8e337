/** What the recorder counts: a session issued or refused, a chat answered or refused. */
export type ActivityKind = 'session_issued' | 'session_refused' | 'chat' | 'chat_refused';

/** One counted key and how often it happened in its hour. */
export interface ActivityCount {
  appId: string;
  /** The hour's start, ms since the epoch (UTC). */
  hour: number;
  kind: ActivityKind;
  /** A refusal's problem code; '' for what was served. */
  reason: string;
  count: number;
}

/** Options of {@link createActivityRecorder}. */
export interface ActivityRecorderOptions {
  /** Adds the counts to the stored ones (an upsert that adds, so instances add up). */
  write(counts: ActivityCount[]): Promise<void>;
  now?: () => number;
  /** How often pending counts are written; default 5 s, 0 = only by `flush()`. */
  flushMs?: number;
  /** Distinct keys held between writes; a new key past it is dropped (counted in `dropped`). */
  maxKeys?: number;
  /** Told when a timed write fails (its counts are kept for the next one). */
  onError?: (error: unknown) => void;
}

/** Counts in memory, written in batches. */
export interface ActivityRecorder {
  /** Counts one event of `kind` for app `appId` in the current hour. */
  record(appId: string, kind: ActivityKind, reason?: string): void;
  /** Writes pending counts now (resolves once they are stored; a failure rejects and keeps them). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is pending. */
  close(): Promise<void>;
  /** Distinct keys waiting to be written. */
  readonly pending: number;
  /** Events not counted because `maxKeys` keys were already pending. */
  readonly dropped: number;
}

const hourMs = 3_600_000;

/**
 * Counts activity per (app, hour, kind, reason) in memory and adds it to the database every
 * `flushMs` and on `flush()`/`close()`. Memory is bounded by `maxKeys` whatever the traffic:
 * callers only count apps that exist and reasons from the server's own codes, and the cap holds
 * even if that ever stops being true.
 */
export function createActivityRecorder({
  write,
  now = Date.now,
  flushMs = 5000,
  maxKeys = 10_000,
  onError = () => {},
}: ActivityRecorderOptions): ActivityRecorder {
  let counts = new Map<string, ActivityCount>();
  let dropped = 0;
  // One write at a time, in order: a flush waits for the one in flight, then writes the rest.
  let writing: Promise<void> = Promise.resolve();

  const add = (entry: ActivityCount) => {
    const key = `${entry.appId}\n${entry.hour}\n${entry.kind}\n${entry.reason}`;
    const held = counts.get(key);
    if (held) held.count += entry.count;
    else if (counts.size < maxKeys) counts.set(key, { ...entry });
    else dropped += entry.count;
  };

  const flush = (): Promise<void> => {
    const next = writing.then(async () => {
      if (counts.size === 0) return;
      const batch = [...counts.values()];
      counts = new Map();
      try {
        await write(batch);
      } catch (error) {
        // Kept for the next write (still within the cap).
        for (const entry of batch) add(entry);
        throw error;
      }
    });
    writing = next.catch(() => {});
    return next;
  };

  const timer =
    flushMs > 0
      ? setInterval(() => {
          flush().catch(onError);
        }, flushMs)
      : undefined;
  timer?.unref();

  return {
    record(appId, kind, reason = '') {
      add({ appId, hour: Math.floor(now() / hourMs) * hourMs, kind, reason, count: 1 });
    },
    flush,
    async close() {
      if (timer) clearInterval(timer);
      await flush();
    },
    get pending() {
      return counts.size;
    },
    get dropped() {
      return dropped;
    },
  };
}
