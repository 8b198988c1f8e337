// Vitest globalSetup of the server project (and a loader the Playwright setup shares): when
// INKEEP_TEST_POSTGRES_URL and INKEEP_TEST_REDIS_URL are not set already (scripts/test.mjs sets
// them for every step), starts a throwaway PostgreSQL and Redis (scripts/test-engines.mjs), sets
// both variables for the test processes, and stops the engines after the run.

/** Running engines, as scripts/test-engines.mjs starts them. */
export interface TestEngines {
  postgresUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

/** What scripts/test-engines.mjs exports. */
export interface TestEnginesModule {
  startEngines(options?: { log?: (line: string) => void }): Promise<TestEngines>;
  /** Creates (or re-creates, empty) a database on that server; resolves to its URL. */
  createDatabase(postgresUrl: string, name: string): Promise<string>;
  freePort(): Promise<number>;
}

/** Loads scripts/test-engines.mjs (plain JavaScript, typed here). */
export function loadTestEngines(): Promise<TestEnginesModule> {
  const script = new URL('../../scripts/test-engines.mjs', import.meta.url).href;
  return import(script) as Promise<TestEnginesModule>;
}

/**
 * Starts the engines unless both URLs are given; sets `INKEEP_TEST_POSTGRES_URL` and
 * `INKEEP_TEST_REDIS_URL`. Resolves to the teardown.
 */
export async function startTestEngines(
  log: (line: string) => void = () => {},
): Promise<() => Promise<void>> {
  if (process.env.INKEEP_TEST_POSTGRES_URL && process.env.INKEEP_TEST_REDIS_URL) {
    return async () => {};
  }
  const engines = await (await loadTestEngines()).startEngines({ log });
  const set: string[] = [];
  if (!process.env.INKEEP_TEST_POSTGRES_URL) {
    process.env.INKEEP_TEST_POSTGRES_URL = engines.postgresUrl;
    set.push('INKEEP_TEST_POSTGRES_URL');
  }
  if (!process.env.INKEEP_TEST_REDIS_URL) {
    process.env.INKEEP_TEST_REDIS_URL = engines.redisUrl;
    set.push('INKEEP_TEST_REDIS_URL');
  }
  return async () => {
    for (const name of set) delete process.env[name];
    await engines.stop();
  };
}

export default function setup(): Promise<() => Promise<void>> {
  return startTestEngines();
}
