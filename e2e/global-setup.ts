// Playwright globalSetup: a throwaway PostgreSQL and Redis for the fleet tests, unless
// INKEEP_TEST_POSTGRES_URL and INKEEP_TEST_REDIS_URL are set already (scripts/test.mjs starts
// them once for every step). Workers inherit the variables; the returned function stops them.
import { startTestEngines } from '../test/setup/engines.ts';

export default function globalSetup(): Promise<() => Promise<void>> {
  return startTestEngines();
}
