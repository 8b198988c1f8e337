import { test as base } from '@playwright/test';
import { type RunningProcess, startApiServer, startDemoSite } from './servers.ts';

/** A Run API server and a demo site pointed at it. */
export interface ServerPair {
  api: RunningProcess;
  site: RunningProcess;
}

interface Fixtures {
  /** Starts a dedicated pair (e.g. with a low rate limit or PoW on); stopped after the test. */
  startServers(options?: { env?: Record<string, string>; args?: string[] }): Promise<ServerPair>;
}

/** Each worker gets its own Run API server and demo site, on free loopback ports. */
export const test = base.extend<Fixtures, { api: RunningProcess; site: RunningProcess }>({
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
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a pattern
  startServers: async ({}, use) => {
    const started: RunningProcess[] = [];
    await use(async ({ env = {}, args = [] } = {}) => {
      const api = await startApiServer(env, args);
      started.push(api);
      const site = await startDemoSite(api.url);
      started.push(site);
      return { api, site };
    });
    await Promise.all(started.map((process) => process.stop()));
  },
});

export { expect } from '@playwright/test';

/** A phone as the browser tests hold one: 390×844, a mobile viewport and touch. */
export const phone = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
};
