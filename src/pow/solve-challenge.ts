import { InkeepChatError, isAbortError } from '../errors.ts';
import { type PowChallenge, solutionHeader } from './challenge.ts';
import { planSearch, type SearchPlan } from './plan-search.ts';
import { searchSha256 } from './search-sha256.ts';
import { searchSubtle } from './search-subtle.ts';
import { workerSource } from './worker-source.ts';

/** Options of {@link solveChallenge}. */
export interface SolveChallengeOptions {
  signal?: AbortSignal | undefined;
  /** Give up with `pow_timeout` after this many milliseconds; default 60 s. */
  timeoutMs?: number;
  /** Parallel workers; default `navigator.hardwareConcurrency`, at most 4. 0 = main thread. */
  workers?: number;
  /** Starts a worker from a script URL; default `new Worker(url)`. */
  createWorker?: (url: string) => Worker;
}

/** Solves a challenge and returns the `x-inkeep-challenge-solution` header value. */
export type SolveChallenge = (
  challenge: PowChallenge,
  options?: SolveChallengeOptions,
) => Promise<string>;

/** Tries counters from ≤ n < to; resolves [counter, key hex] or [-1, '']. */
type Search = (from: number, to: number) => Promise<[number, string]>;

/**
 * Solves `challenge` in parallel Web Workers started from a Blob URL; when Workers cannot
 * start or die (CSP without `worker-src blob:`), on the main thread in slices that yield.
 * @example
 * const header = await solveChallenge(await response.json(), { signal });
 */
export const solveChallenge: SolveChallenge = async (challenge, options = {}) => {
  const {
    signal,
    timeoutMs = 60_000,
    workers = Math.min(4, globalThis.navigator?.hardwareConcurrency || 2),
    createWorker = typeof Worker === 'undefined' ? undefined : (url: string) => new Worker(url),
  } = options;
  signal?.throwIfAborted();
  const plan = planSearch(challenge);
  const started: Worker[] = [];
  let url = '';
  let stop = () => {};
  try {
    const searches: Search[] = [];
    if (createWorker && workers > 0 && plan.parallel) {
      try {
        url = URL.createObjectURL(new Blob([workerSource()], { type: 'text/javascript' }));
        for (let i = 0; i < workers; i++) started.push(createWorker(url));
      } catch {
        // Refused by CSP or unsupported: whatever started is used, the main thread otherwise.
      }
      for (const worker of started) searches.push(searchInWorker(worker, plan));
    }
    const [counter, key] = await new Promise<[number, string]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new InkeepChatError('pow_timeout', 'Checking your browser took too long.')),
        timeoutMs,
      );
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const stopped = { value: false };
      stop = () => {
        stopped.value = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      dispatch(plan, searches, searchOnMainThread(plan, stopped), stopped).then(resolve, reject);
    });
    if (counter < 0)
      throw new InkeepChatError('pow_failed', 'The browser check could not be solved.');
    const derived = plan.keyJob ? (await searchSubtle(plan.keyJob, counter, counter + 1))[1] : key;
    return solutionHeader(challenge, counter, derived);
  } catch (error) {
    if (error instanceof InkeepChatError || isAbortError(error)) throw error;
    // E.g. no WebCrypto outside secure contexts.
    throw new InkeepChatError('pow_failed', 'The browser check could not be solved.', {
      cause: error,
    });
  } finally {
    stop();
    for (const worker of started) worker.terminate();
    if (url) URL.revokeObjectURL(url);
  }
};

/**
 * Hands out batches to every search, two at a time each so no worker waits for its next
 * batch. A failing search gives its batch back; when none is left, `fallback` takes over.
 */
function dispatch(
  plan: SearchPlan,
  searches: Search[],
  mainSearch: Search,
  stopped: { value: boolean },
) {
  return new Promise<[number, string]>((resolve, reject) => {
    let next = 0;
    let running = 0;
    let done = false;
    let fellBack = false;
    const returned: Array<[number, number]> = [];
    const take = (): [number, number] | undefined => {
      if (returned.length > 0) return returned.pop();
      if (next >= plan.end) return undefined;
      const from = next;
      next = Math.min(plan.end, next + plan.batch);
      return [from, next];
    };
    const lane = async (search: Search) => {
      running++;
      try {
        for (let range = take(); range && !done && !stopped.value; range = take()) {
          let found: [number, string];
          try {
            found = await search(...range);
          } catch (error) {
            returned.push(range);
            if (search === mainSearch) throw error;
            return;
          }
          if (found[0] >= 0) {
            done = true;
            resolve(found);
          }
        }
      } catch (error) {
        done = true;
        reject(error);
      } finally {
        running--;
        if (running === 0 && !done && !stopped.value) {
          if ((returned.length > 0 || next < plan.end) && !fellBack) {
            fellBack = true;
            void lane(mainSearch);
          } else {
            done = true;
            resolve([-1, '']);
          }
        }
      }
    };
    if (searches.length === 0) {
      fellBack = true;
      void lane(mainSearch);
    }
    for (const search of searches) {
      void lane(search);
      void lane(search);
    }
  });
}

function searchInWorker(worker: Worker, plan: SearchPlan): Search {
  const pending = new Map<
    number,
    { resolve: (found: [number, string]) => void; reject: (error: unknown) => void }
  >();
  let id = 0;
  let dead: unknown = null;
  worker.onmessage = ({
    data,
  }: MessageEvent<{ id: number; found?: [number, string]; error?: string }>) => {
    const request = pending.get(data.id);
    pending.delete(data.id);
    if (data.found) request?.resolve(data.found);
    else request?.reject(new Error(data.error));
  };
  worker.onerror = (event) => {
    event.preventDefault();
    dead = event;
    for (const request of pending.values()) request.reject(event);
    pending.clear();
  };
  return (from, to) =>
    new Promise((resolve, reject) => {
      if (dead) return reject(dead);
      pending.set(++id, { resolve, reject });
      worker.postMessage({ id, job: plan.job, from, to });
    });
}

function searchOnMainThread(plan: SearchPlan, stopped: { value: boolean }): Search {
  const { job } = plan;
  if (job.kind === 'subtle') return (from, to) => searchSubtle(job, from, to);
  // About 2 ms of hashing per slice keeps the page responsive.
  const slice = Math.max(1, Math.floor(4_000 / job.cost));
  return async (from, to) => {
    for (let start = from; start < to && !stopped.value; start += slice) {
      await yieldToPage();
      const found = searchSha256(job, start, Math.min(to, start + slice));
      if (found >= 0) return [found, ''];
    }
    return [-1, ''];
  };
}

// A message-channel task is not clamped to 4 ms like nested timers are.
function yieldToPage(): Promise<void> {
  if (typeof MessageChannel === 'undefined')
    return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
