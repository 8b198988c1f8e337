import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    environment: 'node',
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'widget',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/server/**'],
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
