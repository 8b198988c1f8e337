import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    environment: 'node',
    testTimeout: 20_000,
    // Tests wait for states, never for durations: a state the machine is slow to reach (a busy
    // CI host) is waited for, up to far longer than any state takes when idle.
    expect: { poll: { timeout: 15_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'widget',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/server/**'],
          // The same long wait for Testing Library's waitFor and findBy queries.
          setupFiles: ['test/setup/dom-waits.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          include: ['test/server/**/*.test.ts'],
          // One embedded PostgreSQL per test process, shared by its files (test-database.ts):
          // starting one takes seconds. Each test server still gets a schema of its own.
          isolate: false,
          hookTimeout: 60_000,
          testTimeout: 60_000,
          // Throwaway PostgreSQL and Redis for the contract and shared-state tests.
          globalSetup: ['test/setup/engines.ts'],
          // After each file: no secret its test servers were given reached their captured log.
          setupFiles: ['test/setup/log-secrecy.ts'],
        },
      },
    ],
  },
});
