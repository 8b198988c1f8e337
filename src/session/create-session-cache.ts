import { createStore, del, get, set, type UseStore } from 'idb-keyval';

/** A session token as it is cached: the JWT and its expiry in epoch milliseconds. */
export interface CachedSession {
  token: string;
  expiresAt: number;
}

/** Where sessions are kept between page loads, keyed by base URL + app id. */
export interface SessionCache {
  get(key: string): Promise<CachedSession | undefined>;
  set(key: string, value: CachedSession): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Options of {@link createSessionCache}. */
export interface SessionCacheOptions {
  /** The idb-keyval store; default its own `inkeep-chat` database, `null` for memory only. */
  store?: UseStore | null;
  /** How long to wait for IndexedDB before using memory instead (a blocked open never settles). */
  timeoutMs?: number;
}

/**
 * Creates the session cache: IndexedDB through idb-keyval in its own database, and a memory
 * copy that keeps everything working when IndexedDB is missing, blocked or throwing.
 * @example
 * const cache = createSessionCache();
 * await cache.set('https://api.example.com app_1', { token, expiresAt });
 */
export function createSessionCache({
  store = defaultStore(),
  timeoutMs = 2_000,
}: SessionCacheOptions = {}): SessionCache {
  const memory = new Map<string, CachedSession>();
  let database = store;

  // Any failure turns IndexedDB off for this page: private mode and quota errors do not heal.
  async function attempt<T>(operation: (store: UseStore) => Promise<T>): Promise<T | undefined> {
    if (!database) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        operation(database),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('IndexedDB did not answer')), timeoutMs);
        }),
      ]);
    } catch {
      database = null;
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async get(key) {
      const stored = await attempt((store) => get<unknown>(key, store));
      if (isCachedSession(stored)) return stored;
      return memory.get(key);
    },
    async set(key, value) {
      memory.set(key, value);
      await attempt((store) => set(key, value, store));
    },
    async delete(key) {
      memory.delete(key);
      await attempt((store) => del(key, store));
    },
  };
}

function defaultStore(): UseStore | null {
  try {
    return typeof indexedDB === 'undefined' ? null : createStore('inkeep-chat', 'sessions');
  } catch {
    return null;
  }
}

function isCachedSession(value: unknown): value is CachedSession {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CachedSession).token === 'string' &&
    typeof (value as CachedSession).expiresAt === 'number'
  );
}
