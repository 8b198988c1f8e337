import { test as base } from '@playwright/test';
import { type RunningProcess, startApiServer, startDemoSite } from './servers.ts';

/** Each worker gets its own Run API server and demo site, on free loopback ports. */
export const test = base.extend<object, { api: RunningProcess; site: RunningProcess }>({
  api: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a pattern
    async ({}, use) => {
      const api = await startApiServer();
      await use(api);
      await api.stop();
    },
    { scope: 'worker' },
  ],
  site: [
    async ({ api }, use) => {
      const site = await startDemoSite(api.url);
      await use(site);
      await site.stop();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
