import { defineConfig } from '@playwright/test';

// Debian's Chromium: Playwright does not download browsers here.
export default defineConfig({
  testDir: 'e2e',
  // A throwaway PostgreSQL and Redis for the fleet tests, unless the environment names them.
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results/e2e',
  // Generous: each server a test starts opens an embedded PostgreSQL first (seconds, more on a
  // busy machine). Tests wait for states, never for durations.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
});
